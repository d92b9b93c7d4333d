{#- Shared pieces of the observation models: territory levels, the offers' incremental day window and the
    median of a salary histogram. -#}

{#- Repeats each row once per territory level: the région, its département, its zone d'emploi.
    Unknown places get the code 'inconnu' so that the départements (and zones) still add up to the région.
    Use after `from <cte>` and select t.niveau_territoire, t.code_territoire, t.libelle_territoire. -#}
{% macro territory_levels(levels=['region', 'departement', 'zone_emploi']) -%}
    cross join unnest([
    {%- for level in levels %}
        {%- if level == 'region' %}
        {'niveau_territoire': 'region', 'code_territoire': '{{ var("region") }}', 'libelle_territoire': cast(null as varchar)}
        {%- elif level == 'departement' %}
        {'niveau_territoire': 'departement', 'code_territoire': coalesce(code_departement, 'inconnu'), 'libelle_territoire': libelle_departement}
        {%- elif level == 'zone_emploi' %}
        {'niveau_territoire': 'zone_emploi', 'code_territoire': coalesce(code_zone_emploi, 'inconnu'), 'libelle_territoire': libelle_zone_emploi}
        {%- endif %}{{ ',' if not loop.last }}
    {%- endfor %}
    ]) as u(t)
{%- endmacro %}

{#- The creation days an incremental offers model builds in this run: [min_date, max_date), the days of
    the Dagster partitions the orchestration passes; every day on a full build. -#}
{% macro offers_day_window(column='jour_creation') -%}
    {%- if is_incremental() -%}
        {{ column }} >= '{{ var("min_date", "1900-01-01") }}' and {{ column }} < '{{ var("max_date", "9999-12-31") }}'
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}

{#- The pre-hook of an incremental offers model: the run's days are deleted, then built again. -#}
{% macro delete_offers_day_window(column='jour_creation') -%}
    {%- if is_incremental() -%}
        delete from {{ this }} where {{ offers_day_window(column) }}
    {%- endif -%}
{%- endmacro %}

{#- The exact median of a variable kept as a histogram: ``source`` has the columns ``keys``, ``value`` and
    ``weight`` (e.g. salary, offers at that salary). It gives the values at 0-based positions (n - 1) // 2 and
    n // 2 of the sorted values, interpolated as DuckDB's median() does (the same value when n is odd). -#}
{% macro median_from_histogram(source, keys, value, weight, alias) -%}
    select
        {{ keys | join(', ') }},
        min({{ value }}) filter (where cumul > (total - 1) // 2) * 0.5
            + min({{ value }}) filter (where cumul > total // 2) * 0.5 as {{ alias }}
    from (
        select
            *,
            sum({{ weight }}) over (
                partition by {{ keys | join(', ') }} order by {{ value }} rows between unbounded preceding and current row
            ) as cumul,
            sum({{ weight }}) over (partition by {{ keys | join(', ') }}) as total
        from (
            select {{ keys | join(', ') }}, {{ value }}, sum({{ weight }}) as {{ weight }}
            from {{ source }}
            group by all
        )
    )
    group by {{ keys | join(', ') }}
{%- endmacro %}
