-- The sector's key figures, one row per year, for the observed région: member employers, their employees
-- and the contrats de professionnalisation engaged (counts from the cells of the secret statistique).
with

adherents as (
    select * from {{ ref('int_adherents__cellules') }}
),

contrats as (
    select * from {{ ref('int_contrats__cellules') }}
),

adherents_by_year as (
    select
        cast(annee as integer) as annee,
        nb_branches,
        nb_adherents,
        nb_salaries,
        nb_salariees_femmes
    from adherents
    where {{ cell_set('adherents', ['annee']) }}
),

small_employers_by_year as (
    select cast(annee as integer) as annee, nb_adherents as nb_adherents_moins_11_etp
    from adherents
    where {{ cell_set('adherents', ['annee', 'taille_adherent']) }} and taille_adherent = 'moins de 11 ETP'
),

contrats_by_year as (
    select cast(annee as integer) as annee, nb_contrats as nb_contrats_pro
    from contrats
    where {{ cell_set('contrats', ['annee']) }}
),

over_30_by_year as (
    select cast(annee as integer) as annee, nb_contrats as nb_contrats_pro_plus_30_ans
    from contrats
    where {{ cell_set('contrats', ['annee', 'classe_age']) }} and classe_age = 'plus de 30 ans'
),

years as (
    select annee from adherents_by_year
    union
    select annee from contrats_by_year
),

joined as (
    select
        years.annee,
        coalesce(a.nb_branches, 0) as nb_branches,
        coalesce(a.nb_adherents, 0) as nb_adherents,
        coalesce(s.nb_adherents_moins_11_etp, 0) as nb_adherents_moins_11_etp,
        coalesce(a.nb_salaries, 0) as nb_salaries,
        coalesce(a.nb_salariees_femmes, 0) as nb_salariees_femmes,
        coalesce(c.nb_contrats_pro, 0) as nb_contrats_pro,
        coalesce(o.nb_contrats_pro_plus_30_ans, 0) as nb_contrats_pro_plus_30_ans
    from years
    left join adherents_by_year as a using (annee)
    left join small_employers_by_year as s using (annee)
    left join contrats_by_year as c using (annee)
    left join over_30_by_year as o using (annee)
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
        nb_salaries - lag(nb_salaries) over (order by annee) as evolution_salaries,
        (nb_salaries - lag(nb_salaries) over (order by annee))
            / nullif(lag(nb_salaries) over (order by annee), 0) as taux_evolution_salaries
    from joined
)

select * from final
