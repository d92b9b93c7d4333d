-- Hiring pressure of each fiche métier, on one scope, the sector: the sector's own offers for the métier
-- (employers whose NAF code is one of the member employers', seed naf_secteur) per 1,000 employees of the
-- sector's member employers, in the région and each département, by year. The offers of every employer for
-- the métier (the whole labour market) are given beside them, never divided by the sector's employees.
with

offres as (
    select * from {{ ref('fiche_offres_annuel') }} where niveau_territoire in ('region', 'departement')
),

adherents as (
    select * from {{ ref('int_adherents__cellules') }}
),

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }} where code_region = '{{ var("region") }}'
),

territoires as (
    select 'region' as niveau_territoire, '{{ var("region") }}' as code_territoire, cast(null as varchar) as libelle_territoire
    union all
    select 'departement', code_departement, libelle_departement from departements
),

years as (
    -- only years with offers observed: a year without any offer is missing data, not zero pressure
    select distinct annee from offres
),

employees as (
    select
        cast(annee as integer) as annee,
        case when code_departement = '*' then 'region' else 'departement' end as niveau_territoire,
        case when code_departement = '*' then '{{ var("region") }}' else code_departement end as code_territoire,
        nb_adherents as nb_adherents_secteur,
        nb_salaries as nb_salaries_secteur
    from adherents
    where ({{ cell_set('adherents', ['annee']) }}) or ({{ cell_set('adherents', ['annee', 'code_departement']) }})
),

scaffold as (
    select fiches.fiche_id, fiches.libelle_fiche, territoires.*, years.annee
    from fiches
    cross join territoires
    cross join years
),

measured as (
    select
        scaffold.*,
        coalesce(offres.nb_offres, 0) as nb_offres,
        coalesce(offres.nb_offres_secteur, 0) as nb_offres_secteur,
        employees.nb_adherents_secteur,
        employees.nb_salaries_secteur,
        coalesce(offres.nb_offres_secteur, 0) * 1000.0 / nullif(employees.nb_salaries_secteur, 0)
            as offres_secteur_pour_1000_salaries
    from scaffold
    left join offres using (fiche_id, niveau_territoire, code_territoire, annee)
    left join employees using (niveau_territoire, code_territoire, annee)
),

final as (
    select
        measured.fiche_id,
        measured.libelle_fiche,
        measured.niveau_territoire,
        measured.code_territoire,
        measured.libelle_territoire,
        measured.annee,
        measured.nb_offres,
        measured.nb_offres_secteur,
        measured.nb_offres_secteur / nullif(measured.nb_offres, 0) as part_offres_secteur,
        measured.nb_adherents_secteur,
        measured.nb_salaries_secteur,
        round(measured.offres_secteur_pour_1000_salaries, 2) as offres_secteur_pour_1000_salaries,
        round(previous.offres_secteur_pour_1000_salaries, 2) as offres_secteur_pour_1000_salaries_annee_precedente,
        round(measured.offres_secteur_pour_1000_salaries - previous.offres_secteur_pour_1000_salaries, 2)
            as evolution_offres_secteur_pour_1000_salaries
    from measured
    left join measured as previous
        on previous.fiche_id = measured.fiche_id
        and previous.niveau_territoire = measured.niveau_territoire
        and previous.code_territoire = measured.code_territoire
        and previous.annee = measured.annee - 1
)

select * from final
