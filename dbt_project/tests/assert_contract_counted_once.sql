-- A contrat de professionnalisation is counted once: every breakdown of the portrait adds up, year by
-- year, to the number of distinct contracts of the région, and the fiches' contracts to those with a fiche.
{{ config(meta={'why': "A contract counted twice or lost by a breakdown: the portrait's tables would not add up to the contracts of the région."}) }}
with

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

expected as (
    select
        annee_engagement as annee,
        count(distinct num_contrat) as nb_contrats,
        count(*) as nb_lignes,
        count(distinct num_contrat) filter (where fiche_id <> 'autre') as nb_contrats_fiches
    from contrats
    group by all
),

published as (
    select 'portrait_chiffres_cles' as mart, annee, nb_contrats_pro as nb_contrats from {{ ref('portrait_chiffres_cles') }}
    union all
    select 'portrait_contrats_par_branche', annee, sum(nb_contrats) from {{ ref('portrait_contrats_par_branche') }} group by all
    union all
    select 'portrait_contrats_par_age', annee, sum(nb_contrats) from {{ ref('portrait_contrats_par_age') }} group by all
    union all
    select 'portrait_contrats_par_niveau', annee, sum(nb_contrats) from {{ ref('portrait_contrats_par_niveau') }} group by all
    union all
    select 'portrait_contrats_par_sexe', annee, sum(nb_contrats) from {{ ref('portrait_contrats_par_sexe') }} group by all
    union all
    select 'portrait_contrats_par_taille', annee, sum(nb_contrats) from {{ ref('portrait_contrats_par_taille') }} group by all
    union all
    select 'portrait_contrats_par_certification', annee, sum(nb_contrats)
    from {{ ref('portrait_contrats_par_certification') }} group by all
    union all
    select 'portrait_contrats_par_departement', annee, sum(nb_contrats)
    from {{ ref('portrait_contrats_par_departement') }} group by all having sum(nb_contrats) > 0
),

fiches as (
    select annee, sum(nb_contrats) as nb_contrats
    from {{ ref('fiche_contrats_pro_annuel') }}
    where niveau_territoire = 'region'
    group by all
)

select published.mart, published.annee, published.nb_contrats, expected.nb_contrats as attendu
from published
left join expected using (annee)
where published.nb_contrats is distinct from coalesce(expected.nb_contrats, 0)
union all
select 'int_contrats__enrichis (lignes)', annee, nb_lignes, nb_contrats
from expected
where nb_lignes <> nb_contrats
union all
select 'fiche_contrats_pro_annuel', expected.annee, fiches.nb_contrats, expected.nb_contrats_fiches
from expected
left join fiches using (annee)
where coalesce(fiches.nb_contrats, 0) <> expected.nb_contrats_fiches
