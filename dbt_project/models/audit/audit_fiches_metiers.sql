-- The fiches métiers, their ROME codes and branches (the editable seed): public reference, not subject to secrecy.
with

fiches as (
    select * from {{ ref('stg_referentiels__fiches_metiers') }}
),

final as (
    select
        fiche_id,
        any_value(libelle_fiche) as libelle_fiche,
        string_agg(distinct code_rome, ', ' order by code_rome) as codes_rome,
        array_to_string(list_sort(list_distinct(flatten(list(codes_branches)))), ', ') as codes_branches
    from fiches
    group by fiche_id
)

select * from final
