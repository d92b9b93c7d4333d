-- Contrats de professionnalisation of each fiche métier: one row per fiche × territory (région, département)
-- × year, with the median age, the contracts of people under 26 and of women, and their shares.
with

contrats as (
    select * from {{ ref('int_contrats__cellules') }} where fiche_id <> 'autre'
),

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }}
),

cells as (
    -- the région (all départements) and each département
    select
        *,
        case when code_departement = '*' then 'region' else 'departement' end as niveau_territoire,
        case when code_departement = '*' then '{{ var("region") }}' else code_departement end as code_territoire
    from contrats
),

totals as (
    select fiche_id, annee, niveau_territoire, code_territoire, nb_contrats, age_median
    from cells
    where ({{ cell_set('contrats', ['annee', 'fiche_id']) }})
        or ({{ cell_set('contrats', ['annee', 'fiche_id', 'code_departement']) }})
),

women as (
    select fiche_id, annee, niveau_territoire, code_territoire, nb_contrats as nb_contrats_femmes
    from cells
    where sexe = 'femme' and (
        ({{ cell_set('contrats', ['annee', 'fiche_id', 'sexe']) }})
        or ({{ cell_set('contrats', ['annee', 'fiche_id', 'code_departement', 'sexe']) }})
    )
),

under_26 as (
    select fiche_id, annee, niveau_territoire, code_territoire, nb_contrats as nb_contrats_moins_26_ans
    from cells
    where age_26 = 'moins de 26 ans' and (
        ({{ cell_set('contrats', ['annee', 'fiche_id', 'age_26']) }})
        or ({{ cell_set('contrats', ['annee', 'fiche_id', 'code_departement', 'age_26']) }})
    )
),

final as (
    select
        totals.fiche_id,
        fiches.libelle_fiche,
        totals.niveau_territoire,
        totals.code_territoire,
        departements.libelle_departement as libelle_territoire,
        cast(totals.annee as integer) as annee,
        totals.nb_contrats,
        totals.age_median,
        coalesce(under_26.nb_contrats_moins_26_ans, 0) as nb_contrats_moins_26_ans,
        coalesce(under_26.nb_contrats_moins_26_ans, 0) / totals.nb_contrats as part_moins_26_ans,
        coalesce(women.nb_contrats_femmes, 0) as nb_contrats_femmes,
        coalesce(women.nb_contrats_femmes, 0) / totals.nb_contrats as part_femmes
    from totals
    inner join fiches using (fiche_id)
    left join women using (fiche_id, annee, niveau_territoire, code_territoire)
    left join under_26 using (fiche_id, annee, niveau_territoire, code_territoire)
    left join departements on departements.code_departement = totals.code_territoire
        and totals.niveau_territoire = 'departement'
)

select * from final
