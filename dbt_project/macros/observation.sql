{#- Shared pieces of the observation marts: territory levels, offer measures, and the offers marts
    (monthly and yearly, for the sector or by fiche métier) built from one definition. -#}

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

{#- The offers marts: one row per [fiche ×] territory × period (period: 'mois' or 'annee').
    Offers of the observed région whose ROME code belongs to one of the fiches métiers, added up from
    the daily counts of int_offres__comptes_jour (a nightly run reads no history). -#}
{% macro offers_mart(by_fiche, period) -%}
{%- set period_expr = 'mois_creation' if period == 'mois' else 'annee_creation' -%}
{%- set keys = (['fiche_id'] if by_fiche else []) + ['niveau_territoire', 'code_territoire', period] -%}
with

comptes as (
    select * from {{ ref('int_offres__comptes_jour') }}
),

{% if by_fiche -%}
fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),
{%- endif %}

comptes_territoires as (
    select
        comptes.*,
        t.niveau_territoire,
        t.code_territoire,
        t.libelle_territoire,
        {{ period_expr }} as {{ period }}
    from comptes
    {{ territory_levels() }}
),

aggregated as (
    select
        {{ keys | join(',\n        ') }},
        any_value(libelle_territoire) as libelle_territoire,
        {%- for measure in offers_mart_counts() %}
        cast(sum({{ measure }}) as bigint) as {{ measure }},
        {%- endfor %}
        cast(sum(nb_postes) as bigint) as nb_postes
    from comptes_territoires
    group by {{ keys | join(', ') }}
),

histogramme as (
    select {{ keys | join(', ') }}, s.salaire_mensuel, sum(s.nb_offres) as nb_offres
    from comptes_territoires
    cross join unnest(salaires) as u(s)
    group by all
),

salaires_cumules as (
    select
        *,
        sum(nb_offres) over (
            partition by {{ keys | join(', ') }} order by salaire_mensuel rows between unbounded preceding and current row
        ) as cumul,
        sum(nb_offres) over (partition by {{ keys | join(', ') }}) as total
    from histogramme
),

medianes as (
    -- median() exactly, from the histogram: the values at 0-based positions (n - 1) // 2 and n // 2 of the
    -- sorted salaries, interpolated as DuckDB does (lo * 0.5 + hi * 0.5; the same value when n is odd)
    select
        {{ keys | join(', ') }},
        min(salaire_mensuel) filter (where cumul > (total - 1) // 2) * 0.5
            + min(salaire_mensuel) filter (where cumul > total // 2) * 0.5 as salaire_mensuel_median
    from salaires_cumules
    group by {{ keys | join(', ') }}
),

final as (
    select
        {% if by_fiche -%}
        aggregated.fiche_id,
        fiches.libelle_fiche,
        {% endif -%}
        niveau_territoire,
        code_territoire,
        libelle_territoire,
        {{ period }},
        nb_offres,
        nb_postes,
        nb_offres_cdi,
        nb_offres_cdi / nb_offres as part_cdi,
        nb_offres_cdd,
        nb_offres_cdd_6_mois_plus,
        nb_offres_cdd_6_mois_plus / nb_offres as part_cdd_6_mois_plus,
        nb_offres_interim,
        nb_offres_interim / nb_offres as part_interim,
        nb_offres_saisonnier,
        nb_offres_autres_contrats,
        nb_offres_temps_plein,
        nb_offres_temps_plein / nb_offres as part_temps_plein,
        nb_offres_temps_partiel,
        nb_offres_temps_partiel / nb_offres as part_temps_partiel,
        nb_offres_alternance,
        nb_offres_alternance / nb_offres as part_alternance,
        nb_offres_experience_exigee,
        nb_offres_experience_exigee / nb_offres as part_experience_exigee,
        nb_offres_salaire_renseigne,
        round(medianes.salaire_mensuel_median, 2) as salaire_mensuel_median,
        nb_offres_eligibles_1e1f,
        nb_offres_eligibilite_inconnue
    from aggregated
    left join medianes using ({{ keys | join(', ') }})
    {% if by_fiche -%}
    inner join fiches using (fiche_id)
    {%- endif %}
)

select * from final
{%- endmacro %}

{#- The additive counts of int_offres__comptes_jour that the offers marts add up. -#}
{% macro offers_mart_counts() -%}
{{ return(['nb_offres', 'nb_offres_cdi', 'nb_offres_cdd', 'nb_offres_cdd_6_mois_plus', 'nb_offres_interim',
           'nb_offres_saisonnier', 'nb_offres_autres_contrats', 'nb_offres_temps_plein', 'nb_offres_temps_partiel',
           'nb_offres_alternance', 'nb_offres_experience_exigee', 'nb_offres_salaire_renseigne',
           'nb_offres_eligibles_1e1f', 'nb_offres_eligibilite_inconnue']) }}
{%- endmacro %}

{#- Contrats de professionnalisation of each fiche métier: one row per fiche × territory × period. -#}
{% macro contracts_fiche_mart(period) -%}
{%- set period_expr = 'mois_engagement' if period == 'mois' else 'annee_engagement' -%}
with

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region and fiche_id <> 'autre'
),

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }}
),

contrats_territoires as (
    select
        contrats.*,
        t.niveau_territoire,
        t.code_territoire,
        t.libelle_territoire,
        {{ period_expr }} as {{ period }}
    from contrats
    left join departements using (code_departement)
    {{ territory_levels(['region', 'departement']) }}
),

aggregated as (
    select
        fiche_id,
        niveau_territoire,
        code_territoire,
        any_value(libelle_territoire) as libelle_territoire,
        {{ period }},
        count(*) as nb_contrats,
        median(age_debut_contrat) as age_median,
        count(*) filter (where age_debut_contrat < 26) as nb_contrats_moins_26_ans,
        count(*) filter (where age_debut_contrat > 30) as nb_contrats_plus_30_ans,
        count(*) filter (where sexe = 'F') as nb_contrats_femmes,
        count(*) filter (where niveau_entree_groupe = 'infra-bac') as nb_contrats_infra_bac,
        count(*) filter (where niveau_entree_groupe = 'bac') as nb_contrats_bac,
        count(*) filter (where niveau_entree_groupe = 'bac+2') as nb_contrats_bac_2,
        count(*) filter (where niveau_entree_groupe = 'bac+3 et plus') as nb_contrats_bac_3_plus,
        count(*) filter (where niveau_entree_groupe = 'inconnu') as nb_contrats_niveau_inconnu
    from contrats_territoires
    group by fiche_id, niveau_territoire, code_territoire, {{ period }}
),

final as (
    select
        aggregated.fiche_id,
        fiches.libelle_fiche,
        niveau_territoire,
        code_territoire,
        libelle_territoire,
        {{ period }},
        nb_contrats,
        age_median,
        nb_contrats_moins_26_ans,
        nb_contrats_moins_26_ans / nb_contrats as part_moins_26_ans,
        nb_contrats_plus_30_ans,
        nb_contrats_plus_30_ans / nb_contrats as part_plus_30_ans,
        nb_contrats_femmes,
        nb_contrats_femmes / nb_contrats as part_femmes,
        nb_contrats_infra_bac,
        nb_contrats_bac,
        nb_contrats_bac_2,
        nb_contrats_bac_3_plus,
        nb_contrats_niveau_inconnu
    from aggregated
    inner join fiches using (fiche_id)
)

select * from final
{%- endmacro %}
