-- One row per certification × ROME code it leads to.
with

source as (
    select * from {{ source('referentiels', 'ref_certifications') }}
),

by_rome as (
    select
        upper(trim(code_certification)) as code_certification,
        intitule_certification,
        niveau,
        formacode,
        domaine_formacode,
        upper(trim(unnest(string_split(codes_rome, '|')))) as code_rome
    from source
)

select * from by_rome where code_rome <> ''
