-- emploi_formation_annuel: offers and agreed providers are public, not subject to secrecy.
select
    fiche_id,
    annee,
    code_departement,
    libelle_departement,
    nb_intentions_eligibles,
    nb_intentions_eligibilite_inconnue,
    nb_intentions_avec_organisme,
    nb_intentions_sans_organisme,
    nb_organismes_agrees,
    nb_organismes_sans_intention,
    statut
from {{ ref('emploi_formation_annuel') }}
