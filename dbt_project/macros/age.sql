{#- Age in whole years on a date (birthdays not yet reached that year do not count). -#}
{% macro age_in_years(birth_date, on_date) -%}
    (year({{ on_date }}) - year({{ birth_date }})
        - case when strftime({{ on_date }}, '%m%d') < strftime({{ birth_date }}, '%m%d') then 1 else 0 end)
{%- endmacro %}

{#- The age bands of the sector's published portrait. -#}
{% macro age_band(age) -%}
    case
        when {{ age }} is null then 'inconnu'
        when {{ age }} < 26 then 'moins de 26 ans'
        when {{ age }} <= 30 then '26-30 ans'
        when {{ age }} <= 45 then '31-45 ans'
        when {{ age }} <= 50 then '46-50 ans'
        when {{ age }} <= 55 then '51-55 ans'
        else 'plus de 55 ans'
    end
{%- endmacro %}
