{#- A publication model: its audit model's rows with every figure the secret statistique hides left empty.
    The columns, their order and what hides each (``config.meta.masked_by``: status columns) are the model's
    own YAML, the publication spec; a status column publishes 'publie' or 'secret', never which rule hid the
    cell. Rows in the order of the spec's primary key. -#}
{% macro publish_from_audit(audit) -%}
{%- if not execute -%}
select * from {{ audit }}
{%- else -%}
{%- set columns = model.columns.values() | list -%}
{%- set key = model.config.meta.publication.primary_key -%}
select
{%- for column in columns %}
    {%- set meta = (column.get('config') or {}).get('meta') or column.get('meta') or {} %}
    {%- set masked_by = meta.get('masked_by', []) %}
    {%- if column.name.startswith('statut_') %}
    case when {{ column.name }} = 'publie' then 'publie' else 'secret' end as {{ column.name }}
    {%- elif masked_by %}
    case when {% for status in masked_by %}{{ status }} = 'publie'{{ ' and ' if not loop.last }}{% endfor %}
        then {{ column.name }} end as {{ column.name }}
    {%- else %}
    {{ column.name }}
    {%- endif %}{{ ',' if not loop.last }}
{%- endfor %}
from {{ audit }}
order by {{ key | join(', ') }}
{%- endif -%}
{%- endmacro %}
