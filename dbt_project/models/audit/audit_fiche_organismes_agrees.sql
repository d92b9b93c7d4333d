-- fiche_organismes_agrees: the Région's agreed training providers, a public list, not subject to secrecy.
select
    fiche_id,
    code_departement,
    libelle_departement,
    raison_sociale,
    siret,
    code_certification,
    date_debut,
    date_fin,
    est_qualiopi,
    specialites_nsf
from {{ ref('fiche_organismes_agrees') }}
