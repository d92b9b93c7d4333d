-- A view (it processes nothing): int_offres__enrichies, incremental by creation day, reads only the
-- days of its run through it, and DuckDB pushes that filter down to raw.
with

source as (
    select * from {{ source('francetravail', 'francetravail_offres') }}
),

renamed as (
    select
        id as offre_id,
        intitule,
        date_creation,
        date_actualisation,
        creation_day as jour_creation,
        date_trunc('month', creation_day)::date as mois_creation,
        year(creation_day) as annee_creation,
        lieu_travail_libelle,
        nullif(trim(lieu_travail_commune), '') as code_commune,
        nullif(trim(lieu_travail_code_postal), '') as code_postal,
        upper(trim(rome_code)) as code_rome,
        rome_libelle as libelle_rome,
        appellation_libelle,
        entreprise_nom,
        upper(trim(type_contrat)) as type_contrat,
        type_contrat_libelle,
        nature_contrat,
        experience_exige,
        salaire_libelle,
        duree_travail_libelle,
        duree_travail_libelle_converti,
        coalesce(alternance, false) as est_alternance,
        coalesce(nombre_postes, 1) as nombre_postes,
        qualification_code,
        qualification_libelle,
        code_naf,
        secteur_activite,
        secteur_activite_libelle,
        tranche_effectif_etab,
        coalesce(origine_offre, '1') as origine_offre
    from source
)

select * from renamed
