-- Every relation through which a reader could recompute a hidden cell, with what the secret statistique
-- decided on its cells: the total and the sum of its parts (they must be equal: the relation is real), how
-- many cells are hidden, the sum of the hidden parts (a hidden cell must not be bounded under the threshold),
-- and whether a cell can still be recomputed through it (the dbt tests fail on any). Never published.
with

relations as (
    select * from {{ ref('int_secret__relations') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

exposees as (
    select distinct unnest(relations_exposees) as relation_id
    from {{ ref('int_secret__statuts') }}
),

parties as (
    select relations.relation_id, unnest(relations.cellules_parties) as cellule_id
    from relations
),

parties_mesurees as (
    select
        parties.relation_id,
        sum(cellules.valeur) as somme_parties,
        count(*) filter (where cellules.statut <> 'publie') as nb_parties_cachees,
        coalesce(sum(cellules.valeur) filter (where cellules.statut <> 'publie'), 0) as somme_parties_cachees,
        count(*) filter (where cellules.motif_secret_primaire is not null) as nb_parties_sensibles
    from parties
    inner join cellules using (cellule_id)
    group by parties.relation_id
),

final as (
    select
        relations.relation_id,
        relations.population,
        relations.dimension,
        relations.cellule_totale,
        relations.nb_parties,
        total.valeur as valeur_totale,
        parties_mesurees.somme_parties,
        total.statut as statut_total,
        parties_mesurees.nb_parties_cachees,
        parties_mesurees.nb_parties_cachees + case when total.statut <> 'publie' then 1 else 0 end as nb_cellules_cachees,
        parties_mesurees.somme_parties_cachees,
        parties_mesurees.nb_parties_sensibles
            + case when total.motif_secret_primaire is not null then 1 else 0 end as nb_cellules_sensibles,
        total.seuil_personnes,
        exposees.relation_id is not null as est_exposee
    from relations
    inner join cellules as total on total.cellule_id = relations.cellule_totale
    inner join parties_mesurees using (relation_id)
    left join exposees using (relation_id)
)

select * from final
