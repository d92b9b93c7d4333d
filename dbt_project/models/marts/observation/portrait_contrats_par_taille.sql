-- Contrats de professionnalisation by year and size of the employer (headcount declared on the contract), with the share of the year's contracts.
with

contrats as (
    select * from {{ ref('int_contrats__cellules') }}
),

counts as (
    select cast(annee as integer) as annee, taille_employeur as taille_employeur, nb_contrats
    from contrats
    where {{ cell_set('contrats', ['annee', 'taille_employeur']) }}
),

final as (
    select
        annee,
        taille_employeur,
        nb_contrats,
        nb_contrats / sum(nb_contrats) over (partition by annee) as part_contrats
    from counts
)

select * from final
