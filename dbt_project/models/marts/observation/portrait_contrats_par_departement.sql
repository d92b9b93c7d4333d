-- The sector by département of the région and year: contrats de professionnalisation (by the
-- establishment's département), member employers and their employees.
with

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

adherents as (
    select * from {{ ref('stg_uniformation__adherents') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }} where code_region = '{{ var("region") }}'
),

contrats_agg as (
    select annee_engagement as annee, code_departement, count(*) as nb_contrats
    from contrats
    group by all
),

adherents_agg as (
    select
        annee,
        code_departement,
        count(*) as nb_adherents,
        sum(salaries_physiques) as nb_salaries
    from adherents
    where code_departement in (select code_departement from departements)
    group by all
),

years as (
    select annee from contrats_agg
    union
    select annee from adherents_agg
),

final as (
    select
        years.annee,
        departements.code_departement,
        departements.libelle_departement,
        coalesce(contrats_agg.nb_contrats, 0) as nb_contrats,
        coalesce(contrats_agg.nb_contrats, 0) / nullif(sum(coalesce(contrats_agg.nb_contrats, 0)) over (partition by years.annee), 0)
            as part_contrats,
        coalesce(adherents_agg.nb_adherents, 0) as nb_adherents,
        coalesce(adherents_agg.nb_salaries, 0) as nb_salaries
    from years
    cross join departements
    left join contrats_agg using (annee, code_departement)
    left join adherents_agg using (annee, code_departement)
)

select * from final order by annee, code_departement
