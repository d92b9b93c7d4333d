-- No relation lets a reader recompute a hidden cell: checked here on the published statuses alone,
-- independently of the algorithm that chose them. A relation holding a sensitive cell (a primary secret) never
-- hides a single cell; when its total is published, the hidden parts add up to at least the threshold (no hidden
-- part can be bounded under it). Chains of relations are checked by est_exposee (the schema test).
{{ config(meta={'why': "A hidden figure that a reader could recompute by difference from the published totals (secret statistique)."}) }}
select *
from {{ ref('audit_secret__relations') }}
where nb_cellules_sensibles > 0
    and (
        nb_cellules_cachees = 1
        or (statut_total = 'publie' and nb_parties_cachees > 0 and somme_parties_cachees < seuil_personnes)
    )
