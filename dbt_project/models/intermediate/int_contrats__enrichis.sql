-- Contrats de professionnalisation with their fiche métier, branch label and engagement month.
with

contrats as (
    select * from {{ ref('stg_uniformation__contrats') }}
),

branches as (
    select * from {{ ref('stg_referentiels__branches') }}
),

rome_fiches as (
    select * from {{ ref('int_rome__fiches') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }}
),

enriched as (
    select
        contrats.*,
        branches.libelle_branche,
        coalesce(rome_fiches.fiche_id, 'autre') as fiche_id,
        date_trunc('month', coalesce(contrats.date_engagement, contrats.date_debut))::date as mois_engagement,
        coalesce(departements.code_region = '{{ var("region") }}', false) as est_dans_region
    from contrats
    left join branches using (code_branche)
    left join rome_fiches using (code_rome)
    left join departements using (code_departement)
)

select * from enriched
