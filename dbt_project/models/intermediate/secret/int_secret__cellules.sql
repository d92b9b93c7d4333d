-- Every cell of the secret statistique in one table: the people it counts (contracts, or the employees of
-- member employers), the employers behind them and the largest one's part. The secrecy models read it;
-- a dimension a population does not have is '*'.
{%- set dims = secret_dimensions() %}
{%- set populations = {
    'contrats': {'model': 'int_contrats__cellules', 'valeur': 'nb_contrats', 'employeurs': 'nb_employeurs',
                 'premier': 'nb_contrats_premier_employeur'},
    'adherents': {'model': 'int_adherents__cellules', 'valeur': 'nb_salaries', 'employeurs': 'nb_adherents',
                  'premier': 'nb_salaries_premier_adherent'},
} %}

with

{% for population, spec in populations.items() %}
{{ population }} as (
    select
        cellule_id,
        '{{ population }}' as population,
        {%- for dim in dims %}
        {{ dim if dim in secret_population_dimensions(population) else "'*'" }} as {{ dim }},
        {%- endfor %}
        cast({{ spec.valeur }} as double) as valeur,
        cast({{ spec.employeurs }} as bigint) as nb_employeurs,
        cast({{ spec.premier }} as double) as valeur_premier_employeur
    from {{ ref(spec.model) }}
),
{% endfor %}

final as (
    {%- for population in populations %}
    select
        *,
        -- contracts of no fiche métier are never shown on their own (they only complete the sector's total)
        not (population = 'contrats' and fiche_id = 'autre') as est_diffusable
    from {{ population }}
    {{ 'union all' if not loop.last }}
    {%- endfor %}
)

select * from final
