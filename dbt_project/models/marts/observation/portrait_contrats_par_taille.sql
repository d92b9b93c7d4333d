-- Contrats de professionnalisation by year and size of the employer (headcount declared on the contract).
with

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

counts as (
    select
        annee_engagement as annee,
        case
            when effectif_entreprise is null then 'inconnu'
            when effectif_entreprise < 11 then 'moins de 11 salariés'
            when effectif_entreprise < 50 then '11 à 49 salariés'
            when effectif_entreprise < 250 then '50 à 249 salariés'
            else '250 salariés et plus'
        end as taille_employeur,
        count(*) as nb_contrats
    from contrats
    group by all
)

select
    annee,
    taille_employeur,
    nb_contrats,
    nb_contrats / sum(nb_contrats) over (partition by annee) as part_contrats
from counts
order by annee, taille_employeur
