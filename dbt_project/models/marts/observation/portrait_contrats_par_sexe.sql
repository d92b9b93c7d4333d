-- Contrats de professionnalisation by year and sex of the person hired, with the share of the year's contracts.
with

contrats as (
    select * from {{ ref('int_contrats__cellules') }}
),

counts as (
    select cast(annee as integer) as annee, sexe as sexe, nb_contrats
    from contrats
    where {{ cell_set('contrats', ['annee', 'sexe']) }}
),

final as (
    select
        annee,
        sexe,
        nb_contrats,
        nb_contrats / sum(nb_contrats) over (partition by annee) as part_contrats
    from counts
)

select * from final
