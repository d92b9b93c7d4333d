-- Hiring pressure of each fiche métier: offers per 1,000 employees of the sector's member employers in the
-- fiche's branches, one row per fiche × territory (région, département) × year with offers observed.
with

offres as (
    -- the région's offers with a fiche, counted by day (a nightly run reads no history)
    select * from {{ ref('int_offres__comptes_jour') }}
),

fiche_branches as (
    select distinct fiche_id, libelle_fiche, unnest(codes_branches) as code_branche
    from {{ ref('stg_referentiels__fiches_metiers') }}
),

fiches as (
    select
        fiche_id,
        any_value(libelle_fiche) as libelle_fiche,
        string_agg(code_branche, ', ' order by code_branche) as codes_branches
    from fiche_branches
    group by fiche_id
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }} where code_region = '{{ var("region") }}'
),

adherents as (
    select adherents.*, departements.libelle_departement
    from {{ ref('stg_uniformation__adherents') }} as adherents
    inner join departements using (code_departement)
),

territoires as (
    select 'region' as niveau_territoire, '{{ var("region") }}' as code_territoire, cast(null as varchar) as libelle_territoire
    union all
    select 'departement', code_departement, libelle_departement from departements
),

years as (
    -- only years with offers observed: a year without any offer is missing data, not zero pressure
    select distinct annee_creation as annee from offres
),

offres_agg as (
    select
        fiche_id, t.niveau_territoire, t.code_territoire, annee_creation as annee,
        cast(sum(nb_offres) as bigint) as nb_offres
    from offres
    {{ territory_levels(['region', 'departement']) }}
    group by all
),

salaries_agg as (
    select
        fiche_branches.fiche_id,
        t.niveau_territoire,
        t.code_territoire,
        adherents.annee,
        sum(adherents.salaries_physiques) as nb_salaries_branches,
        count(*) as nb_adherents_branches
    from adherents
    inner join fiche_branches using (code_branche)
    {{ territory_levels(['region', 'departement']) }}
    group by all
),

scaffold as (
    select fiches.fiche_id, territoires.*, years.annee
    from fiches cross join territoires cross join years
),

measured as (
    select
        scaffold.fiche_id,
        scaffold.niveau_territoire,
        scaffold.code_territoire,
        scaffold.libelle_territoire,
        scaffold.annee,
        coalesce(offres_agg.nb_offres, 0) as nb_offres,
        salaries_agg.nb_salaries_branches,
        salaries_agg.nb_adherents_branches,
        coalesce(offres_agg.nb_offres, 0) * 1000.0 / nullif(salaries_agg.nb_salaries_branches, 0)
            as offres_pour_1000_salaries
    from scaffold
    left join offres_agg using (fiche_id, niveau_territoire, code_territoire, annee)
    left join salaries_agg using (fiche_id, niveau_territoire, code_territoire, annee)
),

final as (
    select
        measured.fiche_id,
        fiches.libelle_fiche,
        fiches.codes_branches,
        measured.niveau_territoire,
        measured.code_territoire,
        measured.libelle_territoire,
        measured.annee,
        measured.nb_offres,
        measured.nb_salaries_branches,
        measured.nb_adherents_branches,
        round(measured.offres_pour_1000_salaries, 2) as offres_pour_1000_salaries,
        round(previous.offres_pour_1000_salaries, 2) as offres_pour_1000_salaries_annee_precedente,
        round(measured.offres_pour_1000_salaries - previous.offres_pour_1000_salaries, 2)
            as evolution_offres_pour_1000_salaries
    from measured
    inner join fiches using (fiche_id)
    left join measured as previous
        on previous.fiche_id = measured.fiche_id
        and previous.niveau_territoire = measured.niveau_territoire
        and previous.code_territoire = measured.code_territoire
        and previous.annee = measured.annee - 1
)

select * from final
