-- One row per fiche métier × territory (région, département, zone d'emploi) × month: job offers, their
-- contract mix, offers eligible to "1 emploi = 1 formation", contrats de professionnalisation engaged and
-- agreed providers. The territory code is 'inconnu' where the offer's commune is unknown to the referential.
with

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

offres as (
    -- the région's offers with a fiche, counted by day (a nightly run reads no history)
    select * from {{ ref('int_offres__comptes_jour') }}
),

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region and fiche_id <> 'autre'
),

agrements as (
    select * from {{ ref('int_agrements__fiches') }}
),

offres_territoires as (
    select offres.*, t.niveau_territoire, t.code_territoire, t.libelle_territoire
    from offres
    cross join unnest([
        {'niveau_territoire': 'region', 'code_territoire': '{{ var("region") }}', 'libelle_territoire': null},
        {'niveau_territoire': 'departement', 'code_territoire': coalesce(code_departement, 'inconnu'), 'libelle_territoire': libelle_departement},
        {'niveau_territoire': 'zone_emploi', 'code_territoire': coalesce(code_zone_emploi, 'inconnu'), 'libelle_territoire': libelle_zone_emploi}
    ]) as u(t)
),

offres_agg as (
    select
        fiche_id,
        niveau_territoire,
        code_territoire,
        any_value(libelle_territoire) as libelle_territoire,
        mois_creation as mois,
        cast(sum(nb_offres) as bigint) as nb_offres,
        sum(nb_postes) as nb_postes,
        cast(sum(nb_offres_cdi) as bigint) as nb_offres_cdi,
        cast(sum(nb_offres_temps_plein) as bigint) as nb_offres_temps_plein,
        cast(sum(nb_offres_eligibles_1e1f) as bigint) as nb_offres_eligibles_1e1f,
        cast(sum(nb_offres_eligibilite_inconnue) as bigint) as nb_offres_eligibilite_inconnue
    from offres_territoires
    group by fiche_id, niveau_territoire, code_territoire, mois_creation
),

contrats_territoires as (
    select contrats.*, t.niveau_territoire, t.code_territoire
    from contrats
    cross join unnest([
        {'niveau_territoire': 'region', 'code_territoire': '{{ var("region") }}'},
        {'niveau_territoire': 'departement', 'code_territoire': coalesce(code_departement, 'inconnu')}
    ]) as u(t)
),

contrats_agg as (
    select fiche_id, niveau_territoire, code_territoire, mois_engagement as mois, count(*) as nb_contrats_pro
    from contrats_territoires
    group by all
),

keys as (
    select fiche_id, niveau_territoire, code_territoire, mois from offres_agg
    union
    select fiche_id, niveau_territoire, code_territoire, mois from contrats_agg
),

providers as (
    -- providers whose agreement covers the month, by département and for the whole région
    select
        keys.fiche_id, keys.niveau_territoire, keys.code_territoire, keys.mois,
        count(distinct agrements.siret) as nb_organismes_agrees
    from keys
    inner join agrements
        on agrements.fiche_id = keys.fiche_id
        and (keys.niveau_territoire = 'region' or agrements.code_departement = keys.code_territoire)
        and agrements.date_debut <= last_day(keys.mois)
        and coalesce(agrements.date_fin, date '9999-12-31') >= keys.mois
    where keys.niveau_territoire in ('region', 'departement')
    group by all
),

final as (
    select
        keys.fiche_id,
        fiches.libelle_fiche,
        keys.niveau_territoire,
        keys.code_territoire,
        offres_agg.libelle_territoire,
        keys.mois,
        coalesce(offres_agg.nb_offres, 0) as nb_offres,
        coalesce(offres_agg.nb_postes, 0) as nb_postes,
        coalesce(offres_agg.nb_offres_cdi, 0) / nullif(offres_agg.nb_offres, 0) as part_cdi,
        coalesce(offres_agg.nb_offres_temps_plein, 0) / nullif(offres_agg.nb_offres, 0) as part_temps_plein,
        coalesce(offres_agg.nb_offres_eligibles_1e1f, 0) as nb_offres_eligibles_1e1f,
        coalesce(offres_agg.nb_offres_eligibilite_inconnue, 0) as nb_offres_eligibilite_inconnue,
        coalesce(contrats_agg.nb_contrats_pro, 0) as nb_contrats_pro,
        case when keys.niveau_territoire <> 'zone_emploi' then coalesce(providers.nb_organismes_agrees, 0) end
            as nb_organismes_agrees
    from keys
    inner join fiches using (fiche_id)
    left join offres_agg using (fiche_id, niveau_territoire, code_territoire, mois)
    left join contrats_agg using (fiche_id, niveau_territoire, code_territoire, mois)
    left join providers using (fiche_id, niveau_territoire, code_territoire, mois)
)

select * from final
