-- What the secret statistique decided for every cell, and on what: the people counted, the employers behind
-- them, the largest one's weight, the rule a cell breaks and its final status. Never published.
with

cellules as (
    select * from {{ ref('int_secret__cellules') }}
),

statuts as (
    select * from {{ ref('int_secret__statuts') }}
),

final as (
    select
        cellules.*,
        cellules.valeur_premier_employeur / nullif(cellules.valeur, 0) as part_premier_employeur,
        statuts.statut,
        statuts.motif,
        statuts.motif_secret_primaire,
        statuts.relations_exposees,
        statuts.seuil_personnes,
        statuts.seuil_employeurs,
        statuts.seuil_dominance
    from cellules
    inner join statuts using (cellule_id)
)

select * from final
