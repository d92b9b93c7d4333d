-- Contrats de professionnalisation by branch and year (every branch of the sector, zero included),
-- with the change on the previous year and the branch's rank that year.
with

branches as (
    select * from {{ ref('stg_referentiels__branches') }}
),

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

years as (
    select distinct annee_engagement as annee from contrats
),

counts as (
    select annee_engagement as annee, code_branche, count(*) as nb_contrats
    from contrats
    group by all
),

scaffold as (
    select years.annee, branches.code_branche, branches.libelle_branche
    from years cross join branches
),

final as (
    select
        scaffold.annee,
        scaffold.code_branche,
        scaffold.libelle_branche,
        coalesce(counts.nb_contrats, 0) as nb_contrats,
        lag(coalesce(counts.nb_contrats, 0)) over (partition by scaffold.code_branche order by scaffold.annee)
            as nb_contrats_annee_precedente,
        rank() over (partition by scaffold.annee order by coalesce(counts.nb_contrats, 0) desc) as rang
    from scaffold
    left join counts using (annee, code_branche)
)

select
    annee,
    code_branche,
    libelle_branche,
    nb_contrats,
    nb_contrats_annee_precedente,
    nb_contrats - nb_contrats_annee_precedente as evolution,
    (nb_contrats - nb_contrats_annee_precedente) / nullif(nb_contrats_annee_precedente, 0) as taux_evolution,
    rang
from final
order by annee, rang, code_branche
