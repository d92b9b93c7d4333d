-- Agreed providers able to train for a fiche métier in a département: one row per provider (SIRET) ×
-- certification × département × fiche, with the Qualiopi status declared to the Région and to the DGEFP
-- and the NSF specialities of the DGEFP public list (joined by SIRET, else by NDA).
with

agrements as (
    select * from {{ ref('stg_region__agrements') }}
),

certifications as (
    select * from {{ ref('stg_referentiels__certifications') }}
),

fiches as (
    select distinct fiche_id, code_rome from {{ ref('stg_referentiels__fiches_metiers') }}
),

organismes as (
    select * from {{ ref('stg_dgefp__organismes') }}
),

joined as (
    select distinct
        agrements.siret,
        agrements.nda,
        agrements.raison_sociale,
        agrements.code_certification,
        agrements.intitule_certification,
        agrements.code_departement,
        fiches.fiche_id,
        agrements.date_debut,
        agrements.date_fin,
        agrements.qualiopi as qualiopi_declare,
        coalesce(by_siret.qualiopi, by_nda.qualiopi) as qualiopi_dgefp,
        -- the training specialities (NSF) the provider declares to the DGEFP, "332 Travail social; …"
        nullif(concat_ws('; ',
            coalesce(by_siret.code_nsf_1, by_nda.code_nsf_1) || ' ' || coalesce(by_siret.libelle_nsf_1, by_nda.libelle_nsf_1),
            coalesce(by_siret.code_nsf_2, by_nda.code_nsf_2) || ' ' || coalesce(by_siret.libelle_nsf_2, by_nda.libelle_nsf_2),
            coalesce(by_siret.code_nsf_3, by_nda.code_nsf_3) || ' ' || coalesce(by_siret.libelle_nsf_3, by_nda.libelle_nsf_3)
        ), '') as specialites_nsf
    from agrements
    inner join certifications using (code_certification)
    inner join fiches on fiches.code_rome = certifications.code_rome
    left join organismes as by_siret on by_siret.siret = agrements.siret
    left join organismes as by_nda on by_nda.nda = agrements.nda and by_siret.siret is null
)

select * from joined
