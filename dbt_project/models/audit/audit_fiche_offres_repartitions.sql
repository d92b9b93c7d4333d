-- The région's rows of fiche_offres_repartitions: offers are public, not subject to secrecy.
select
    fiche_id,
    annee,
    dimension,
    modalite,
    libelle_modalite,
    nb_offres,
    part_offres,
    rang
from {{ ref('fiche_offres_repartitions') }}
where niveau_territoire = 'region'
