-- Contrats de professionnalisation by branch and year (every branch of the sector, zero included), with its
-- share of the year's contracts, the change on the previous year and the branch's rank that year.
with

contrats as (
    select * from {{ ref('int_contrats__cellules') }}
),

branches as (
    select * from {{ ref('stg_referentiels__branches') }}
),

years as (
    select cast(annee as integer) as annee, nb_contrats as nb_contrats_annee
    from contrats
    where {{ cell_set('contrats', ['annee']) }}
),

counts as (
    select cast(annee as integer) as annee, code_branche, nb_contrats
    from contrats
    where {{ cell_set('contrats', ['annee', 'code_branche']) }}
),

scaffold as (
    select years.annee, years.nb_contrats_annee, branches.code_branche, branches.libelle_branche
    from years
    cross join branches
),

measured as (
    select
        scaffold.annee,
        scaffold.code_branche,
        scaffold.libelle_branche,
        coalesce(counts.nb_contrats, 0) as nb_contrats,
        coalesce(counts.nb_contrats, 0) / nullif(scaffold.nb_contrats_annee, 0) as part_contrats,
        lag(coalesce(counts.nb_contrats, 0)) over (partition by scaffold.code_branche order by scaffold.annee)
            as nb_contrats_annee_precedente
    from scaffold
    left join counts using (annee, code_branche)
),

final as (
    select
        annee,
        code_branche,
        libelle_branche,
        nb_contrats,
        part_contrats,
        nb_contrats_annee_precedente,
        nb_contrats - nb_contrats_annee_precedente as evolution,
        (nb_contrats - nb_contrats_annee_precedente) / nullif(nb_contrats_annee_precedente, 0) as taux_evolution,
        rank() over (partition by annee order by nb_contrats desc) as rang
    from measured
)

select * from final
