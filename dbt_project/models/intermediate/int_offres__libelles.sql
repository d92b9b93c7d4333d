-- The free labels of each offer and what the parsers read in them (contract duration, weekly hours,
-- monthly salary): the same macros as int_offres__enrichies, kept apart so they can be unit-tested and audited.
{{ config(materialized='view') }}

with

offres as (
    select * from {{ ref('stg_francetravail__offres') }}
),

parsed as (
    select
        offre_id,
        type_contrat_libelle,
        {{ contract_duration_months('type_contrat_libelle') }} as duree_contrat_mois,
        duree_travail_libelle,
        {{ weekly_hours('duree_travail_libelle') }} as heures_hebdo,
        salaire_libelle,
        round({{ monthly_salary('salaire_libelle') }}, 2) as salaire_mensuel
    from offres
)

select * from parsed
