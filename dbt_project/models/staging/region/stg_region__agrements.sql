-- One row per agreement × département where the provider is agreed to deliver the certification.
with

source as (
    select * from {{ source('region', 'region_agrements') }}
),

by_departement as (
    select
        siret,
        nda,
        raison_sociale,
        upper(trim(code_certification)) as code_certification,
        intitule_certification,
        unnest(departements) as code_departement,
        date_debut,
        date_fin,
        qualiopi
    from source
)

select * from by_departement
