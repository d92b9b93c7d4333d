-- Communes with their département, région and zone d'emploi, flagged when in the observed région.
with

communes as (
    select * from {{ ref('stg_referentiels__communes') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }}
),

joined as (
    select
        communes.code_commune,
        communes.libelle_commune,
        communes.code_departement,
        departements.libelle_departement,
        communes.code_region,
        communes.code_zone_emploi,
        communes.libelle_zone_emploi,
        communes.code_region = '{{ var("region") }}' as est_dans_region
    from communes
    left join departements using (code_departement)
)

select * from joined
