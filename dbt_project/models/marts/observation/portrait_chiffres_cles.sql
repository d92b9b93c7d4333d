-- The sector's key figures, one row per year, for the observed région.
with

adherents as (
    select * from {{ ref('stg_uniformation__adherents') }}
),

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }} where code_region = '{{ var("region") }}'
),

adherents_by_year as (
    select
        annee,
        count(distinct code_branche) as nb_branches,
        count(*) as nb_adherents,
        count(*) filter (where est_moins_de_11_etp) as nb_adherents_moins_11_etp,
        sum(salaries_physiques) as nb_salaries,
        sum(dont_femmes) as nb_salariees_femmes
    from adherents
    where code_departement in (select code_departement from departements)
    group by annee
),

contrats_by_year as (
    select
        annee_engagement as annee,
        count(*) as nb_contrats_pro,
        count(*) filter (where age_debut_contrat > 30) as nb_contrats_pro_plus_30_ans
    from contrats
    group by annee_engagement
),

joined as (
    select
        annee,
        coalesce(a.nb_branches, 0) as nb_branches,
        coalesce(a.nb_adherents, 0) as nb_adherents,
        coalesce(a.nb_adherents_moins_11_etp, 0) as nb_adherents_moins_11_etp,
        coalesce(a.nb_salaries, 0) as nb_salaries,
        coalesce(a.nb_salariees_femmes, 0) as nb_salariees_femmes,
        coalesce(c.nb_contrats_pro, 0) as nb_contrats_pro,
        coalesce(c.nb_contrats_pro_plus_30_ans, 0) as nb_contrats_pro_plus_30_ans
    from adherents_by_year as a
    full outer join contrats_by_year as c using (annee)
),

final as (
    select
        annee,
        nb_branches,
        nb_adherents,
        nb_adherents_moins_11_etp,
        nb_adherents_moins_11_etp / nullif(nb_adherents, 0) as part_adherents_moins_11_etp,
        nb_salaries,
        nb_salariees_femmes,
        nb_salariees_femmes / nullif(nb_salaries, 0) as part_femmes,
        nb_contrats_pro,
        nb_contrats_pro_plus_30_ans,
        nb_contrats_pro_plus_30_ans / nullif(nb_contrats_pro, 0) as part_contrats_pro_plus_30_ans,
        nb_contrats_pro - lag(nb_contrats_pro) over (order by annee) as evolution_contrats_pro,
        (nb_contrats_pro - lag(nb_contrats_pro) over (order by annee))
            / nullif(lag(nb_contrats_pro) over (order by annee), 0) as taux_evolution_contrats_pro,
        nb_adherents - lag(nb_adherents) over (order by annee) as evolution_adherents,
        (nb_adherents - lag(nb_adherents) over (order by annee))
            / nullif(lag(nb_adherents) over (order by annee), 0) as taux_evolution_adherents,
        nb_branches - lag(nb_branches) over (order by annee) as evolution_branches,
        nb_salaries - lag(nb_salaries) over (order by annee) as evolution_salaries,
        (nb_salaries - lag(nb_salaries) over (order by annee))
            / nullif(lag(nb_salaries) over (order by annee), 0) as taux_evolution_salaries
    from joined
)

select * from final order by annee
