-- The offers of the région with a fiche métier, counted by creation day × fiche × département × zone
-- d'emploi: the offers marts add these rows up instead of reading every offer, so a nightly run costs
-- the day, not the history. Salaries are kept as a histogram (value, offers) so that medians stay exact.
-- Incremental by creation day exactly like int_offres__enrichies: a run replaces the days [min_date, max_date).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='jour_creation',
        on_schema_change='fail',
        tags=['offres_par_jour'],
        pre_hook="{% if is_incremental() %}delete from {{ this }} where jour_creation >= '{{ var('min_date', '1900-01-01') }}' and jour_creation < '{{ var('max_date', '9999-12-31') }}'{% endif %}",
    )
}}

with

offres as (
    select * from {{ ref('int_offres__enrichies') }}
    where est_dans_region and fiche_id <> 'autre'
    {% if is_incremental() %}
        and jour_creation >= '{{ var("min_date", "1900-01-01") }}' and jour_creation < '{{ var("max_date", "9999-12-31") }}'
    {% endif %}
),

salaires as (
    select
        jour_creation, fiche_id, code_departement, code_zone_emploi,
        list({'salaire_mensuel': salaire_mensuel, 'nb_offres': nb_offres} order by salaire_mensuel) as salaires
    from (
        select jour_creation, fiche_id, code_departement, code_zone_emploi, salaire_mensuel, count(*) as nb_offres
        from offres
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
        code_departement,
        any_value(libelle_departement) as libelle_departement,
        code_zone_emploi,
        any_value(libelle_zone_emploi) as libelle_zone_emploi,
        count(*) as nb_offres,
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
        cast(sum(nombre_postes) filter (where eligibilite_1e1f = 'eligible') as bigint) as nb_postes_eligibles_1e1f,
        count(*) filter (where eligibilite_1e1f = 'inconnu') as nb_offres_eligibilite_inconnue
    from offres
    group by jour_creation, fiche_id, code_departement, code_zone_emploi
)

select comptes.*, salaires.salaires
from comptes
-- unknown départements and zones are null keys: matched as values
left join salaires
    on salaires.jour_creation = comptes.jour_creation
    and salaires.fiche_id = comptes.fiche_id
    and salaires.code_departement is not distinct from comptes.code_departement
    and salaires.code_zone_emploi is not distinct from comptes.code_zone_emploi
