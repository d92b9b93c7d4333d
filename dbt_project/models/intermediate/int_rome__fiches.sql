-- Each ROME 4.0 code with the fiche métier it belongs to, through itself or its historical parent code.
with

rome_codes as (
    select * from {{ ref('stg_referentiels__rome_codes') }}
),

fiches as (
    select distinct fiche_id, libelle_fiche, code_rome from {{ ref('stg_referentiels__fiches_metiers') }}
),

mapped as (
    select
        rome_codes.code_rome,
        rome_codes.libelle_rome,
        rome_codes.code_rome_parent,
        coalesce(by_code.fiche_id, by_parent.fiche_id) as fiche_id
    from rome_codes
    left join fiches as by_code on by_code.code_rome = rome_codes.code_rome
    left join fiches as by_parent on by_parent.code_rome = rome_codes.code_rome_parent
)

select * from mapped
