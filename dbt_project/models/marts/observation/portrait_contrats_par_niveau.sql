-- Contrats de professionnalisation by year and level on entry.
with

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

counts as (
    select annee_engagement as annee, niveau_entree_groupe, count(*) as nb_contrats
    from contrats
    group by all
)

select
    annee,
    niveau_entree_groupe,
    nb_contrats,
    nb_contrats / sum(nb_contrats) over (partition by annee) as part_contrats
from counts
order by annee, niveau_entree_groupe
