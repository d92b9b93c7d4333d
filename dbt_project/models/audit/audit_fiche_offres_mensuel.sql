-- The région's rows of fiche_offres_mensuel: offers are public, not subject to secrecy.
select
    fiche_id,
    mois,
    nb_offres,
    nb_offres_secteur,
    nb_postes,
    part_cdi,
    part_temps_plein,
    nb_offres_eligibles_1e1f,
    nb_offres_eligibilite_inconnue
from {{ ref('fiche_offres_mensuel') }}
where niveau_territoire = 'region'
