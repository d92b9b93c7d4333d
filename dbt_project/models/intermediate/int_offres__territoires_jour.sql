-- The région's offers with a fiche métier, counted by creation day × fiche × territory (the région, its
-- département, its zone d'emploi): the offers marts add these rows up by month or year instead of reading
-- every offer, so a nightly run costs the day, not the history. Salaries are kept as a histogram (value,
-- offers) so that medians stay exact. Incremental by creation day like int_offres__enrichies.
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='jour_creation',
        on_schema_change='fail',
        tags=['offres_par_jour'],
        pre_hook="{{ delete_offers_day_window() }}",
    )
}}

with

offres as (
    select * from {{ ref('int_offres__enrichies') }}
    where est_dans_region and fiche_id <> 'autre' and {{ offers_day_window() }}
),

offres_territoires as (
    select offres.*, t.niveau_territoire, t.code_territoire, t.libelle_territoire
    from offres
    {{ territory_levels() }}
),

salaires as (
    select
        jour_creation, fiche_id, niveau_territoire, code_territoire,
        list({'salaire_mensuel': salaire_mensuel, 'nb_offres': nb_offres} order by salaire_mensuel) as salaires
    from (
        select jour_creation, fiche_id, niveau_territoire, code_territoire, salaire_mensuel, count(*) as nb_offres
        from offres_territoires
        where salaire_mensuel is not null
        group by all
    )
    group by all
),

comptes as (
    select
        jour_creation,
        any_value(mois_creation) as mois_creation,
        any_value(annee_creation) as annee_creation,
        fiche_id,
        niveau_territoire,
        code_territoire,
        any_value(libelle_territoire) as libelle_territoire,
        count(*) as nb_offres,
        count(*) filter (where est_offre_du_secteur) as nb_offres_secteur,
        cast(sum(nombre_postes) as bigint) as nb_postes,
        count(*) filter (where type_contrat = 'CDI') as nb_offres_cdi,
        count(*) filter (where type_contrat = 'CDD') as nb_offres_cdd,
        count(*) filter (where type_contrat = 'CDD' and duree_contrat_mois >= 6) as nb_offres_cdd_6_mois_plus,
        count(*) filter (where type_contrat = 'MIS') as nb_offres_interim,
        count(*) filter (where type_contrat = 'SAI') as nb_offres_saisonnier,
        count(*) filter (where type_contrat is null or type_contrat not in ('CDI', 'CDD', 'MIS', 'SAI'))
            as nb_offres_autres_contrats,
        count(*) filter (where est_temps_plein) as nb_offres_temps_plein,
        count(*) filter (where not est_temps_plein) as nb_offres_temps_partiel,
        count(*) filter (where est_alternance) as nb_offres_alternance,
        count(*) filter (where experience_exige = 'E') as nb_offres_experience_exigee,
        count(*) filter (where salaire_mensuel is not null) as nb_offres_salaire_renseigne,
        count(*) filter (where eligibilite_1e1f = 'eligible') as nb_offres_eligibles_1e1f,
        cast(coalesce(sum(nombre_postes) filter (where eligibilite_1e1f = 'eligible'), 0) as bigint)
            as nb_postes_eligibles_1e1f,
        count(*) filter (where eligibilite_1e1f = 'inconnu') as nb_offres_eligibilite_inconnue
    from offres_territoires
    group by jour_creation, fiche_id, niveau_territoire, code_territoire
)

select comptes.*, salaires.salaires
from comptes
left join salaires using (jour_creation, fiche_id, niveau_territoire, code_territoire)
