-- "1 emploi = 1 formation": eligible hiring intentions against the training supply, one row per fiche ×
-- département of the région × month (every month between the first and last offer observed).
with

offres as (
    -- the région's offers with a fiche, counted by day and département (a nightly run reads no history)
    select *, code_territoire as code_departement
    from {{ ref('int_offres__territoires_jour') }}
    where niveau_territoire = 'departement' and code_territoire <> 'inconnu'
),

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }} where code_region = '{{ var("region") }}'
),

agrements as (
    select * from {{ ref('int_agrements__fiches') }}
),

months as (
    select cast(unnest(generate_series(min(mois_creation), max(mois_creation), interval 1 month)) as date) as mois
    from offres
),

scaffold as (
    select fiches.fiche_id, fiches.libelle_fiche, departements.code_departement, departements.libelle_departement, months.mois
    from fiches cross join departements cross join months
),

intentions as (
    select
        fiche_id,
        code_departement,
        mois_creation as mois,
        cast(sum(nb_offres) as bigint) as nb_offres,
        cast(sum(nb_offres_eligibles_1e1f) as bigint) as nb_intentions_eligibles,
        coalesce(sum(nb_postes_eligibles_1e1f), 0) as nb_postes_eligibles,
        cast(sum(nb_offres_eligibilite_inconnue) as bigint) as nb_intentions_eligibilite_inconnue
    from offres
    group by fiche_id, code_departement, mois_creation
),

providers as (
    -- agreements that cover at least one day of the month
    select
        scaffold.fiche_id,
        scaffold.code_departement,
        scaffold.mois,
        count(distinct agrements.siret) as nb_organismes_agrees,
        count(distinct agrements.siret) filter (
            where coalesce(agrements.qualiopi_dgefp, agrements.qualiopi_declare)
        ) as nb_organismes_qualiopi,
        count(distinct agrements.code_certification) as nb_certifications_agreees
    from scaffold
    inner join agrements
        on agrements.fiche_id = scaffold.fiche_id
        and agrements.code_departement = scaffold.code_departement
        and agrements.date_debut <= last_day(scaffold.mois)
        and coalesce(agrements.date_fin, date '9999-12-31') >= scaffold.mois
    group by all
),

measured as (
    select
        scaffold.*,
        coalesce(intentions.nb_offres, 0) as nb_offres,
        coalesce(intentions.nb_intentions_eligibles, 0) as nb_intentions_eligibles,
        coalesce(intentions.nb_postes_eligibles, 0) as nb_postes_eligibles,
        coalesce(intentions.nb_intentions_eligibilite_inconnue, 0) as nb_intentions_eligibilite_inconnue,
        coalesce(providers.nb_organismes_agrees, 0) as nb_organismes_agrees,
        coalesce(providers.nb_organismes_qualiopi, 0) as nb_organismes_qualiopi,
        coalesce(providers.nb_certifications_agreees, 0) as nb_certifications_agreees
    from scaffold
    left join intentions using (fiche_id, code_departement, mois)
    left join providers using (fiche_id, code_departement, mois)
),

final as (
    select
        fiche_id,
        libelle_fiche,
        code_departement,
        libelle_departement,
        mois,
        nb_offres,
        nb_intentions_eligibles,
        nb_postes_eligibles,
        nb_intentions_eligibilite_inconnue,
        nb_organismes_agrees,
        nb_organismes_qualiopi,
        nb_certifications_agreees,
        case when nb_organismes_agrees > 0 then nb_intentions_eligibles else 0 end
            as nb_intentions_avec_organisme,
        case when nb_organismes_agrees = 0 then nb_intentions_eligibles else 0 end
            as nb_intentions_sans_organisme,
        case when nb_intentions_eligibles = 0 then nb_organismes_agrees else 0 end
            as nb_organismes_sans_intention,
        case
            when nb_intentions_eligibles > 0 and nb_organismes_agrees > 0 then 'intentions_couvertes'
            when nb_intentions_eligibles > 0 then 'intentions_sans_organisme'
            when nb_organismes_agrees > 0 then 'organismes_sans_intention'
            else 'ni_intention_ni_organisme'
        end as statut
    from measured
)

select * from final
