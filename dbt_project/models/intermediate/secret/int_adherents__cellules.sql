-- Member employers of the sector in the région counted once for every cell the publication shows: by year,
-- département and size (under 11 FTE or not), with their employees, women among them, and the largest
-- employer's employees (secret statistique: a few employers, or one that weighs most, are not published).
{%- set dims = secret_population_dimensions('adherents') %}
{%- set sets = [['annee'], ['annee', 'code_departement'], ['annee', 'taille_adherent']] %}

with

adherents as (
    select * from {{ ref('stg_uniformation__adherents') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }} where code_region = '{{ var("region") }}'
),

dimensions as (
    select
        cast(adherents.annee as varchar) as annee,
        adherents.code_departement,
        case
            when adherents.effectif_etp is null then 'inconnu'
            when adherents.est_moins_de_11_etp then 'moins de 11 ETP'
            else '11 ETP ou plus'
        end as taille_adherent,
        adherents.code_branche,
        coalesce(adherents.salaries_physiques, 0) as salaries,
        coalesce(adherents.dont_femmes, 0) as femmes
    from adherents
    inner join departements using (code_departement)
),

comptes as (
    select
        {%- for dim in dims %}
        coalesce({{ dim }}, '*') as {{ dim }},
        {%- endfor %}
        count(*) as nb_adherents,
        count(distinct code_branche) as nb_branches,
        cast(sum(salaries) as bigint) as nb_salaries,
        cast(sum(femmes) as bigint) as nb_salariees_femmes,
        cast(max(salaries) as bigint) as nb_salaries_premier_adherent
    from dimensions
    group by {{ grouping_sets(sets) }}
),

final as (
    select {{ cellule_id('adherents', dims) }} as cellule_id, *
    from comptes
)

select * from final
