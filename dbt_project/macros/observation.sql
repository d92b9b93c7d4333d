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

{#- The offers marts (fiche_offres_annuel/_mensuel, portrait_offres_annuel/_mensuel): the daily counts of
    int_offres__territoires_jour added up by territory and ``period`` ('annee' or 'mois' of creation), per
    fiche métier when ``by_fiche`` (else the 11 fiches together), with the shares of the offers and the exact
    median salary. Reading the daily counts, a nightly run reads no history. -#}
{% macro offers_by_period(period, by_fiche) -%}
{%- set keys = (['fiche_id'] if by_fiche else []) + ['niveau_territoire', 'code_territoire', period] -%}
{%- set counts = [
    'nb_offres', 'nb_offres_secteur', 'nb_postes', 'nb_offres_cdi', 'nb_offres_cdd', 'nb_offres_cdd_6_mois_plus',
    'nb_offres_interim', 'nb_offres_saisonnier', 'nb_offres_autres_contrats', 'nb_offres_temps_plein',
    'nb_offres_temps_partiel', 'nb_offres_alternance', 'nb_offres_experience_exigee', 'nb_offres_salaire_renseigne',
    'nb_offres_eligibles_1e1f', 'nb_postes_eligibles_1e1f', 'nb_offres_eligibilite_inconnue',
] -%}
{#- counts published with their share of the offers (part_<kind> = nb_offres_<kind> / nb_offres) -#}
{%- set shared = [
    'nb_offres_cdi', 'nb_offres_cdd_6_mois_plus', 'nb_offres_interim', 'nb_offres_temps_plein',
    'nb_offres_temps_partiel', 'nb_offres_alternance', 'nb_offres_experience_exigee',
] -%}
{%- set published = [] -%}
{%- for count in counts -%}
    {%- do published.append(count) -%}
    {%- if count in shared -%}
        {%- do published.append(count ~ ' / nb_offres as part_' ~ count | replace('nb_offres_', '')) -%}
    {%- endif -%}
    {%- if count == 'nb_offres_salaire_renseigne' -%}
        {%- do published.append('round(medianes.salaire_mensuel_median, 2) as salaire_mensuel_median') -%}
    {%- endif -%}
{%- endfor %}
with

comptes as (
    select * from {{ ref('int_offres__territoires_jour') }}
),
{%- if by_fiche %}

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),
{%- endif %}

aggregated as (
    select
        {%- if by_fiche %}
        fiche_id,
        {%- endif %}
        niveau_territoire,
        code_territoire,
        {{ period }}_creation as {{ period }},
        any_value(libelle_territoire) as libelle_territoire,
        {%- for count in counts %}
        cast(sum({{ count }}) as bigint) as {{ count }}{{ ',' if not loop.last }}
        {%- endfor %}
    from comptes
    group by all
),

salaires as (
    select {{ keys[:-1] | join(', ') }}, {{ period }}_creation as {{ period }}, s.salaire_mensuel, s.nb_offres
    from comptes
    cross join unnest(salaires) as u(s)
),

medianes as (
    {{ median_from_histogram('salaires', keys, 'salaire_mensuel', 'nb_offres', 'salaire_mensuel_median') }}
),

final as (
    select
        {%- if by_fiche %}
        aggregated.fiche_id,
        fiches.libelle_fiche,
        {%- endif %}
        niveau_territoire,
        code_territoire,
        libelle_territoire,
        {{ period }},
        {%- for column in published %}
        {{ column }}{{ ',' if not loop.last }}
        {%- endfor %}
    from aggregated
    left join medianes using ({{ keys | join(', ') }})
    {%- if by_fiche %}
    inner join fiches using (fiche_id)
    {%- endif %}
)

select * from final
{%- endmacro %}
