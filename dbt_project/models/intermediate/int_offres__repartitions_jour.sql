-- The offers of the région with a fiche métier, counted by creation day × fiche × département × zone
-- d'emploi × dimension (hiring sector, establishment size, qualification, experience required) × modality:
-- fiche_offres_repartitions adds these rows up instead of reading every offer.
-- Incremental by creation day exactly like int_offres__enrichies: a run replaces the days [min_date, max_date).
{{
    config(
        materialized='incremental',
        incremental_strategy='delete+insert',
        unique_key='jour_creation',
        on_schema_change='fail',
        tags=['offres_par_jour'],
        pre_hook="{{ delete_offers_day_window() }}",
    )
}}

with

offres as (
    select * from {{ ref('int_offres__enrichies') }}
    where est_dans_region and fiche_id <> 'autre'
        and {{ offers_day_window() }}
),

by_dimension as (
    select
        jour_creation,
        annee_creation,
        fiche_id,
        code_departement,
        libelle_departement,
        code_zone_emploi,
        libelle_zone_emploi,
        d.dimension,
        coalesce(nullif(trim(d.modalite), ''), 'inconnu') as modalite,
        d.libelle_modalite
    from offres
    cross join unnest([
        {'dimension': 'secteur_naf', 'modalite': code_naf, 'libelle_modalite': secteur_activite_libelle},
        {'dimension': 'taille_etablissement', 'modalite': tranche_effectif_etab, 'libelle_modalite': tranche_effectif_etab},
        {'dimension': 'qualification', 'modalite': qualification_code, 'libelle_modalite': qualification_libelle},
        {'dimension': 'experience', 'modalite': experience_exige, 'libelle_modalite': case experience_exige
            when 'D' then 'Débutant accepté' when 'S' then 'Expérience souhaitée' when 'E' then 'Expérience exigée' end}
    ]) as u(d)
)

select
    jour_creation,
    any_value(annee_creation) as annee_creation,
    fiche_id,
    code_departement,
    any_value(libelle_departement) as libelle_departement,
    code_zone_emploi,
    any_value(libelle_zone_emploi) as libelle_zone_emploi,
    dimension,
    modalite,
    libelle_modalite,
    count(*) as nb_offres
from by_dimension
group by jour_creation, fiche_id, code_departement, code_zone_emploi, dimension, modalite, libelle_modalite
