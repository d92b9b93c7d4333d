-- The providers agreed by the Région to deliver a certification of each fiche métier, by département:
-- one row per fiche × département × provider (SIRET) × certification, with their Qualiopi status.
with

agrements as (
    select * from {{ ref('int_agrements__fiches') }}
),

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

departements as (
    select * from {{ ref('stg_referentiels__departements') }}
),

final as (
    select
        agrements.fiche_id,
        fiches.libelle_fiche,
        agrements.code_departement,
        departements.libelle_departement,
        agrements.siret,
        agrements.nda,
        agrements.raison_sociale,
        agrements.code_certification,
        agrements.intitule_certification,
        agrements.date_debut,
        agrements.date_fin,
        agrements.qualiopi_declare,
        agrements.qualiopi_dgefp,
        coalesce(agrements.qualiopi_dgefp, agrements.qualiopi_declare) as est_qualiopi,
        agrements.specialites_nsf
    from agrements
    inner join fiches using (fiche_id)
    left join departements using (code_departement)
)

select * from final
