-- portrait_emploi_formation: offers and agreed providers are public, not subject to secrecy.
select
    cast(annee as integer) as annee,
    code_departement,
    libelle_departement,
    nb_intentions_eligibles,
    nb_intentions_eligibilite_inconnue,
    nb_intentions_avec_organisme,
    nb_intentions_sans_organisme,
    part_intentions_sans_organisme,
    nb_fiches_sans_organisme,
    nb_fiches_organismes_sans_intention
from {{ ref('portrait_emploi_formation') }}
