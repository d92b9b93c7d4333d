with

source as (
    select * from {{ source('uniformation', 'uniformation_adherents') }}
),

renamed as (
    select
        annee,
        siret,
        raison_sociale,
        branche as code_branche,
        code_naf,
        departement as code_departement,
        effectif_etp,
        effectif_etp < 11 as est_moins_de_11_etp,
        salaries_physiques,
        dont_femmes
    from source
)

select * from renamed
