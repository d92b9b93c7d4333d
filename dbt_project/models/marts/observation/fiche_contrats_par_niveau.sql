-- Contrats de professionnalisation of each fiche métier in the région by level on entry and year, with the
-- share of the fiche's contracts that year.
with

contrats as (
    select * from {{ ref('int_contrats__cellules') }} where fiche_id <> 'autre'
),

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

counts as (
    select fiche_id, cast(annee as integer) as annee, niveau_entree as niveau_entree_groupe, nb_contrats
    from contrats
    where {{ cell_set('contrats', ['annee', 'fiche_id', 'niveau_entree']) }}
),

final as (
    select
        counts.fiche_id,
        fiches.libelle_fiche,
        counts.annee,
        counts.niveau_entree_groupe,
        counts.nb_contrats,
        counts.nb_contrats / sum(counts.nb_contrats) over (partition by counts.fiche_id, counts.annee)
            as part_contrats
    from counts
    inner join fiches using (fiche_id)
)

select * from final
