-- Offers with their territory, fiche métier, parsed labels and "1 emploi = 1 formation" eligibility.
-- Incremental by creation day: a run builds the days [min_date, max_date) that the orchestration passes
-- (the Dagster partitions), replacing those days; without vars (or with --full-refresh) it builds all.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='offre_id',
        on_schema_change='fail',
        tags=['offres_par_jour'],
        pre_hook="{{ delete_offers_day_window() }}",
    )
}}

with

offres as (
    select * from {{ ref('stg_francetravail__offres') }}
    where {{ offers_day_window() }}
),

communes as (
    select * from {{ ref('int_territoires__communes') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }}
),

rome_fiches as (
    select * from {{ ref('int_rome__fiches') }}
),

naf_secteur as (
    select * from {{ ref('stg_referentiels__naf_secteur') }}
),

located as (
    select
        offres.*,
        -- unknown communes still carry their département in the label ("44 - Nantes")
        coalesce(communes.code_departement,
                 nullif(regexp_extract(offres.lieu_travail_libelle, '^\s*(\d{2}|2[AB]|97\d)\s*-', 1), '')
        ) as code_departement,
        communes.code_zone_emploi,
        communes.libelle_zone_emploi
    from offres
    left join communes using (code_commune)
),

parsed as (
    select
        located.*,
        departements.libelle_departement,
        coalesce(departements.code_region = '{{ var("region") }}', false) as est_dans_region,
        coalesce(rome_fiches.fiche_id, 'autre') as fiche_id,
        -- the sector's own offers: the employer's NAF code is one of the member employers' (naf_secteur seed)
        naf_secteur.code_naf is not null as est_offre_du_secteur,
        {{ contract_duration_months('type_contrat_libelle') }} as duree_contrat_mois,
        {{ weekly_hours('duree_travail_libelle') }} as heures_hebdo,
        {{ monthly_salary('salaire_libelle') }} as salaire_mensuel,
        coalesce(duree_travail_libelle_converti = 'Temps plein',
                 {{ weekly_hours('duree_travail_libelle') }} >= 35) as est_temps_plein
    from located
    left join departements using (code_departement)
    left join rome_fiches using (code_rome)
    left join naf_secteur on naf_secteur.code_naf = upper(trim(located.code_naf))
),

eligibility as (
    select
        parsed.*,
        case
            when est_alternance then 'eligible'
            when type_contrat = 'CDI' or (type_contrat = 'CDD' and duree_contrat_mois >= 6) then
                case
                    when heures_hebdo >= 24 then 'eligible'
                    -- full time is at least 35 hours a week by law
                    when heures_hebdo is null and duree_travail_libelle_converti = 'Temps plein' then 'eligible'
                    when heures_hebdo < 24 then 'non_eligible'
                    else 'inconnu'
                end
            when type_contrat = 'CDD' and duree_contrat_mois is null then
                case when heures_hebdo < 24 then 'non_eligible' else 'inconnu' end
            else 'non_eligible'
        end as eligibilite_1e1f
    from parsed
)

select * from eligibility
