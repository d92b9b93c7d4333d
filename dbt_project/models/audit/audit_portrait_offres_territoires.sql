-- portrait_offres_annuel by département and zone d'emploi: offers are public, not subject to secrecy.
select
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
    part_temps_partiel,
    part_alternance,
    nb_offres_eligibles_1e1f
from {{ ref('portrait_offres_annuel') }}
where niveau_territoire in ('departement', 'zone_emploi')
