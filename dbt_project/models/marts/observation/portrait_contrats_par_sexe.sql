-- Contrats de professionnalisation by year and sex of the person hired.
with

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

counts as (
    select
        annee_engagement as annee,
        case upper(trim(sexe)) when 'F' then 'femme' when 'M' then 'homme' else 'inconnu' end as sexe,
        count(*) as nb_contrats
    from contrats
    group by all
)

select
    annee,
    sexe,
    nb_contrats,
    nb_contrats / sum(nb_contrats) over (partition by annee) as part_contrats
from counts
order by annee, sexe
