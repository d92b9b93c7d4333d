-- The sector by département of the région and year: member employers and their employees, and the contrats
-- de professionnalisation (by the establishment's département) with their share of the région's.
with

adherents as (
    select * from {{ ref('int_adherents__cellules') }}
),

contrats as (
    select * from {{ ref('int_contrats__cellules') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }} where code_region = '{{ var("region") }}'
),

adherents_agg as (
    select cast(annee as integer) as annee, code_departement, nb_adherents, nb_salaries
    from adherents
    where {{ cell_set('adherents', ['annee', 'code_departement']) }}
),

contrats_agg as (
    select cast(annee as integer) as annee, code_departement, nb_contrats
    from contrats
    where {{ cell_set('contrats', ['annee', 'code_departement']) }}
),

contrats_region as (
    select cast(annee as integer) as annee, nb_contrats as nb_contrats_region
    from contrats
    where {{ cell_set('contrats', ['annee']) }}
),

years as (
    select annee from adherents_agg
    union
    select annee from contrats_agg
),

final as (
    select
        years.annee,
        departements.code_departement,
        departements.libelle_departement,
        coalesce(adherents_agg.nb_adherents, 0) as nb_adherents,
        coalesce(adherents_agg.nb_salaries, 0) as nb_salaries,
        coalesce(contrats_agg.nb_contrats, 0) as nb_contrats,
        coalesce(contrats_agg.nb_contrats, 0) / nullif(contrats_region.nb_contrats_region, 0) as part_contrats
    from years
    cross join departements
    left join adherents_agg using (annee, code_departement)
    left join contrats_agg using (annee, code_departement)
    left join contrats_region using (annee)
)

select * from final
