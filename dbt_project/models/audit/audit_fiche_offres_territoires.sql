-- fiche_offres_annuel for the région, its départements and zones d'emploi: offers are public.
select
    fiche_id,
    cast(annee as integer) as annee,
    niveau_territoire,
    code_territoire,
    libelle_territoire,
    nb_offres,
    nb_offres_secteur,
    nb_postes,
    part_cdi,
    part_cdd_6_mois_plus,
    part_interim,
    part_temps_plein,
    part_alternance,
    part_experience_exigee,
    salaire_mensuel_median,
    nb_offres_salaire_renseigne,
    nb_offres_eligibles_1e1f
from {{ ref('fiche_offres_annuel') }}
