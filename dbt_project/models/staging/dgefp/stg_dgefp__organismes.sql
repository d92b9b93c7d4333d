with

source as (
    select * from {{ source('dgefp', 'organismes_formation') }}
),

renamed as (
    select
        nda,
        denomination,
        siren,
        siret,
        code_postal,
        ville,
        code_region,
        qualiopi,
        certif_actions_formation,
        certif_apprentissage,
        code_specialite_1 as code_nsf_1,
        libelle_specialite_1 as libelle_nsf_1,
        code_specialite_2 as code_nsf_2,
        libelle_specialite_2 as libelle_nsf_2,
        code_specialite_3 as code_nsf_3,
        libelle_specialite_3 as libelle_nsf_3,
        nb_stagiaires,
        effectif_formateurs
    from source
)

select * from renamed
