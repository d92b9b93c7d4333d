-- The région's row of portrait_offres_mensuel: offers are public announcements, not subject to secrecy.
select
    mois,
    nb_offres,
    nb_offres_secteur,
    nb_postes,
    part_cdi,
    part_cdd_6_mois_plus,
    part_interim,
    part_temps_partiel,
    part_alternance,
    nb_offres_eligibles_1e1f
from {{ ref('portrait_offres_mensuel') }}
where niveau_territoire = 'region'
