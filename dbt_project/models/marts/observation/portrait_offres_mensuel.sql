-- Job offers of the sector's métiers (the 11 fiches together): one row per territory × month.
-- Added up from the daily counts of int_offres__territoires_jour: a nightly run reads no history.
with

comptes as (
    select * from {{ ref('int_offres__territoires_jour') }}
),

aggregated as (
    select
        niveau_territoire,
        code_territoire,
        mois_creation as mois,
        any_value(libelle_territoire) as libelle_territoire,
        cast(sum(nb_offres) as bigint) as nb_offres,
        cast(sum(nb_offres_secteur) as bigint) as nb_offres_secteur,
        cast(sum(nb_postes) as bigint) as nb_postes,
        cast(sum(nb_offres_cdi) as bigint) as nb_offres_cdi,
        cast(sum(nb_offres_cdd) as bigint) as nb_offres_cdd,
        cast(sum(nb_offres_cdd_6_mois_plus) as bigint) as nb_offres_cdd_6_mois_plus,
        cast(sum(nb_offres_interim) as bigint) as nb_offres_interim,
        cast(sum(nb_offres_saisonnier) as bigint) as nb_offres_saisonnier,
        cast(sum(nb_offres_autres_contrats) as bigint) as nb_offres_autres_contrats,
        cast(sum(nb_offres_temps_plein) as bigint) as nb_offres_temps_plein,
        cast(sum(nb_offres_temps_partiel) as bigint) as nb_offres_temps_partiel,
        cast(sum(nb_offres_alternance) as bigint) as nb_offres_alternance,
        cast(sum(nb_offres_experience_exigee) as bigint) as nb_offres_experience_exigee,
        cast(sum(nb_offres_salaire_renseigne) as bigint) as nb_offres_salaire_renseigne,
        cast(sum(nb_offres_eligibles_1e1f) as bigint) as nb_offres_eligibles_1e1f,
        cast(sum(nb_postes_eligibles_1e1f) as bigint) as nb_postes_eligibles_1e1f,
        cast(sum(nb_offres_eligibilite_inconnue) as bigint) as nb_offres_eligibilite_inconnue
    from comptes
    group by all
),

salaires as (
    select niveau_territoire, code_territoire, mois_creation as mois, s.salaire_mensuel, s.nb_offres
    from comptes
    cross join unnest(salaires) as u(s)
),

medianes as (
    {{ median_from_histogram('salaires', ['niveau_territoire', 'code_territoire', 'mois'], 'salaire_mensuel', 'nb_offres', 'salaire_mensuel_median') }}
),

final as (
    select
        niveau_territoire,
        code_territoire,
        libelle_territoire,
        mois,
        nb_offres,
        nb_offres_secteur,
        nb_postes,
        nb_offres_cdi,
        nb_offres_cdi / nb_offres as part_cdi,
        nb_offres_cdd,
        nb_offres_cdd_6_mois_plus,
        nb_offres_cdd_6_mois_plus / nb_offres as part_cdd_6_mois_plus,
        nb_offres_interim,
        nb_offres_interim / nb_offres as part_interim,
        nb_offres_saisonnier,
        nb_offres_autres_contrats,
        nb_offres_temps_plein,
        nb_offres_temps_plein / nb_offres as part_temps_plein,
        nb_offres_temps_partiel,
        nb_offres_temps_partiel / nb_offres as part_temps_partiel,
        nb_offres_alternance,
        nb_offres_alternance / nb_offres as part_alternance,
        nb_offres_experience_exigee,
        nb_offres_experience_exigee / nb_offres as part_experience_exigee,
        nb_offres_salaire_renseigne,
        round(medianes.salaire_mensuel_median, 2) as salaire_mensuel_median,
        nb_offres_eligibles_1e1f,
        nb_postes_eligibles_1e1f,
        nb_offres_eligibilite_inconnue
    from aggregated
    left join medianes using (niveau_territoire, code_territoire, mois)
)

select * from final
