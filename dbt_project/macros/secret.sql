{#- Cells of the secret statistique: counts of a population for one combination of dimension values, '*'
    meaning "all". The dimensions, in the order their ids are written; a population uses some of them. -#}
{% macro secret_dimensions() -%}
{{ return(['annee', 'code_departement', 'fiche_id', 'code_branche', 'classe_age', 'age_26', 'tranche_age',
           'sexe', 'taille_employeur', 'niveau_entree', 'code_certification', 'taille_adherent']) }}
{%- endmacro %}

{#- The canonical id of a cell: "contrats|annee=2022|code_branche=BAD". ``dims``: the dimension columns
    the relation has (others are '*'); each column holds a value or '*'. -#}
{% macro cellule_id(population, dims) -%}
    concat('{{ population }}'
    {%- for dim in secret_dimensions() if dim in dims %},
        case when {{ dim }} <> '*' then '|{{ dim }}=' || {{ dim }} else '' end
    {%- endfor %})
{%- endmacro %}

{#- The id of the cell with the given dimension values (a mapping dimension -> SQL expression), as written
    by cellule_id: what a mart row or an audit row uses to find the status of the cell it shows. -#}
{% macro cellule_ref(population, values) -%}
    concat('{{ population }}'
    {%- for dim in secret_dimensions() if dim in values %}, '|{{ dim }}=', {{ values[dim] }}
    {%- endfor %})
{%- endmacro %}

{#- One aggregation per grouping set (columns absent from a set are '*'): ``sets`` is a list of lists of
    dimension columns, all of them in ``dims``. -#}
{% macro grouping_sets(sets, extra=[]) -%}
    grouping sets (
    {%- for set in sets %}
        ({{ (set + extra) | join(', ') }}){{ ',' if not loop.last }}
    {%- endfor %}
    )
{%- endmacro %}

{#- The dimensions of each population of cells. -#}
{% macro secret_population_dimensions(population) -%}
{%- set dims = {
    'contrats': ['annee', 'code_departement', 'fiche_id', 'code_branche', 'classe_age', 'age_26', 'tranche_age',
                 'sexe', 'taille_employeur', 'niveau_entree', 'code_certification'],
    'adherents': ['annee', 'code_departement', 'taille_adherent'],
} -%}
{{ return(dims[population]) }}
{%- endmacro %}

{#- The cells of one grouping set: ``dims`` hold a value, every other dimension of the population is '*'. -#}
{% macro cell_set(population, dims) -%}
    {%- for dim in secret_population_dimensions(population) -%}
        {{ dim }} {{ "<> '*'" if dim in dims else "= '*'" }}{{ ' and ' if not loop.last }}
    {%- endfor -%}
{%- endmacro %}

{#- The audit of a portrait table of contracts by one dimension (portrait_contrats_par_age, _niveau, _sexe,
    _taille): each row with the status of its cell (contracts of the year × the value of ``column``, the
    secret's ``dimension``) and of the year's total (its share), the employers behind the cell and the
    largest one's weight. -#}
{% macro audit_contracts_by(model, column, dimension=none) -%}
{%- set dimension = dimension or column -%}
with

par_modalite as (
    select * from {{ ref(model) }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

final as (
    select
        cast(par_modalite.annee as integer) as annee,
        par_modalite.{{ column }},
        par_modalite.nb_contrats,
        par_modalite.part_contrats,
        coalesce(ligne.statut, 'publie') as statut_contrats,
        coalesce(total.statut, 'publie') as statut_total,
        ligne.nb_employeurs,
        ligne.part_premier_employeur,
        ligne.motif
    from par_modalite
    left join cellules as ligne
        on ligne.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_modalite.annee', dimension: 'par_modalite.' ~ column}) }}
    left join cellules as total
        on total.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_modalite.annee'}) }}
)

select * from final
{%- endmacro %}
