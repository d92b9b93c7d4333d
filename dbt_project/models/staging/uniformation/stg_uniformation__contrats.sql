-- date_naissance becomes an age and an age band at contract start here and goes no further (personal data).
with

source as (
    select * from {{ source('uniformation', 'uniformation_contrats') }}
),

renamed as (
    select
        num_contrat,
        annee_engagement,
        date_engagement,
        date_debut,
        date_fin,
        siret_employeur,
        branche as code_branche,
        code_naf,
        effectif_entreprise,
        departement_etablissement as code_departement,
        sexe,
        {{ age_in_years('date_naissance', 'date_debut') }} as age_debut_contrat,
        {{ age_band(age_in_years('date_naissance', 'date_debut')) }} as tranche_age,
        niveau_entree,
        case
            when regexp_matches(niveau_entree, 'niveau\s*[1-3]\b', 'i') or niveau_entree ilike 'sans%' then 'infra-bac'
            when regexp_matches(niveau_entree, 'niveau\s*4\b', 'i') then 'bac'
            when regexp_matches(niveau_entree, 'niveau\s*5\b', 'i') then 'bac+2'
            when regexp_matches(niveau_entree, 'niveau\s*[6-8]\b', 'i') then 'bac+3 et plus'
            else 'inconnu'
        end as niveau_entree_groupe,
        diplome_prepare,
        upper(code_rncp) as code_certification,
        upper(code_rome) as code_rome,
        formacode,
        siret_organisme_formation,
        duree_hebdo,
        heures_formation,
        _source_file
    from source
)

select * from renamed
