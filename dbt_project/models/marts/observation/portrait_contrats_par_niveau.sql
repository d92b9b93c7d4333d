-- Contrats de professionnalisation by year and level on entry, with the share of the year's contracts.
with

contrats as (
    select * from {{ ref('int_contrats__cellules') }}
),

counts as (
    select cast(annee as integer) as annee, niveau_entree as niveau_entree_groupe, nb_contrats
    from contrats
    where {{ cell_set('contrats', ['annee', 'niveau_entree']) }}
),

final as (
    select
        annee,
        niveau_entree_groupe,
        nb_contrats,
        nb_contrats / sum(nb_contrats) over (partition by annee) as part_contrats
    from counts
)

select * from final
