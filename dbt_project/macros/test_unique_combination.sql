{#- The grain of a model: no two rows share these columns (nulls compared as values). -#}
{% test unique_combination(model, columns) %}
{{ config(meta={'why': "Two rows for the same key would publish or sum the same figures twice."}) }}
select {{ columns | join(', ') }}, count(*) as n
from {{ model }}
group by {{ columns | join(', ') }}
having count(*) > 1
{% endtest %}

{#- Shares stay within [0, 1]. -#}
{% test share_between_0_and_1(model, column_name) %}
{{ config(meta={'why': "A share outside [0, 1] means a numerator counted on more rows than its denominator (a join that duplicates rows)."}) }}
select * from {{ model }} where {{ column_name }} < 0 or {{ column_name }} > 1
{% endtest %}

{#- Rows where the expression is false (a SQL boolean over the model's columns). -#}
{% test expression_is_true(model, expression, column_name=none) %}
{{ config(meta={'why': "A rule between the model's columns that must hold for its figures to be consistent."}) }}
select * from {{ model }} where not ({{ expression }})
{% endtest %}
