-- Contrats de professionnalisation by year and age band at contract start.
with

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

counts as (
    select annee_engagement as annee, tranche_age, count(*) as nb_contrats
    from contrats
    group by all
)

select
    annee,
    tranche_age,
    nb_contrats,
    nb_contrats / sum(nb_contrats) over (partition by annee) as part_contrats
from counts
order by annee, tranche_age
