{#- Parsers of the free labels of the France Travail API. What cannot be parsed is null, never guessed. -#}

{#- "Contrat à durée déterminée - 18 Mois" -> 18; "... - 15 Jour(s)" -> 0.5; no duration -> null -#}
{% macro contract_duration_months(label) -%}
    case
        when regexp_matches({{ label }}, '(\d+)\s*mois', 'i')
            then cast(regexp_extract({{ label }}, '(\d+)\s*mois', 1, 'i') as double)
        when regexp_matches({{ label }}, '(\d+)\s*jour', 'i')
            then round(cast(regexp_extract({{ label }}, '(\d+)\s*jour', 1, 'i') as double) / 30.4375, 2)
        when regexp_matches({{ label }}, '(\d+)\s*semaine', 'i')
            then round(cast(regexp_extract({{ label }}, '(\d+)\s*semaine', 1, 'i') as double) * 7 / 30.4375, 2)
    end
{%- endmacro %}

{#- "35H Horaires normaux" -> 35; "28H30 Horaires normaux" -> 28.5; "35H/semaine\n..." -> 35 -#}
{% macro weekly_hours(label) -%}
    case
        when regexp_matches(trim({{ label }}), '^(\d{1,2})\s*H(\d{2})?', 'i')
            then cast(regexp_extract(trim({{ label }}), '^(\d{1,2})\s*H', 1, 'i') as double)
                + coalesce(cast(nullif(regexp_extract(trim({{ label }}), '^\d{1,2}\s*H(\d{2})', 1, 'i'), '') as double), 0) / 60
    end
{%- endmacro %}

{#- A decimal number captured by ``pattern`` (dot or comma decimals), null when absent. -#}
{% macro _label_number(label, pattern) -%}
    cast(nullif(replace(regexp_extract({{ label }}, '{{ pattern }}', 1, 'i'), ',', '.'), '') as double)
{%- endmacro %}

{#- Advertised gross monthly salary (midpoint of a range), from "Mensuel de 1800.00 Euros à 2000.00 Euros
    sur 12 mois", "Horaire de 11.88 Euros sur 12 mois" (x 151.67 h) or "Annuel de 24000.00 Euros sur 12 mois"
    (/ 12). A salary paid over 13 months is brought back to 12. -#}
{% macro monthly_salary(label) -%}
    case
        when regexp_matches({{ label }}, '^\s*(mensuel|horaire|annuel)\s+de\s+\d', 'i') then
            (
                {{ _label_number(label, 'de\\s+(\\d+(?:[.,]\\d+)?)') }}
                + coalesce({{ _label_number(label, '\\s+à\\s+(\\d+(?:[.,]\\d+)?)') }},
                           {{ _label_number(label, 'de\\s+(\\d+(?:[.,]\\d+)?)') }})
            ) / 2
            * case lower(regexp_extract({{ label }}, '^\s*(\w+)', 1))
                when 'horaire' then 151.67
                when 'annuel' then 1.0 / 12
                else 1
              end
            * coalesce({{ _label_number(label, 'sur\\s+(\\d+(?:[.,]\\d+)?)\\s+mois') }}, 12) / 12
    end
{%- endmacro %}
