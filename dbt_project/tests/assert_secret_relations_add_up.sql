-- Every declared relation is real: the total equals the sum of its parts (a relation that does not add up
-- would protect nothing, and would mean a dimension is not the partition the spec says).
{{ config(meta={'why': "A relation of the secret statistique that does not add up protects nothing."}) }}
select *
from {{ ref('audit_secret__relations') }}
where abs(valeur_totale - somme_parties) > 0.5
