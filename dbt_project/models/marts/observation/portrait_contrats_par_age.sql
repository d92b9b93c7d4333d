-- Contrats de professionnalisation by year and age band at contract start, with the share of the year's contracts.
with

contrats as (
    select * from {{ ref('int_contrats__cellules') }}
),

counts as (
    select cast(annee as integer) as annee, tranche_age as tranche_age, nb_contrats
    from contrats
    where {{ cell_set('contrats', ['annee', 'tranche_age']) }}
),

final as (
    select
        annee,
        tranche_age,
        nb_contrats,
        nb_contrats / sum(nb_contrats) over (partition by annee) as part_contrats
    from counts
)

select * from final
