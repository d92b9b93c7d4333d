-- The certifications (RNCP, RS) that lead to each fiche métier: one row per fiche × certification, with
-- the contrats de professionnalisation preparing it and the agreed providers delivering it in the région.
with

certifications as (
    select * from {{ ref('stg_referentiels__certifications') }}
),

rome_fiches as (
    select * from {{ ref('int_rome__fiches') }} where fiche_id is not null
),

fiches as (
    select distinct fiche_id, libelle_fiche from {{ ref('stg_referentiels__fiches_metiers') }}
),

contrats as (
    -- contracts preparing each certification, all years together (the cells of the secret statistique)
    select code_certification, nb_contrats as nb_contrats_pro
    from {{ ref('int_contrats__cellules') }}
    where {{ cell_set('contrats', ['code_certification']) }} and code_certification <> 'inconnu'
),

agrements as (
    select * from {{ ref('int_agrements__fiches') }}
),

certification_fiches as (
    select distinct rome_fiches.fiche_id, certifications.code_certification
    from certifications
    inner join rome_fiches using (code_rome)
),

details as (
    select
        code_certification,
        any_value(intitule_certification) as intitule_certification,
        any_value(niveau) as niveau,
        any_value(formacode) as formacode,
        any_value(domaine_formacode) as domaine_formacode,
        string_agg(distinct code_rome, ', ' order by code_rome) as codes_rome
    from certifications
    group by code_certification
),

providers_by_certification as (
    select
        fiche_id,
        code_certification,
        count(distinct siret) as nb_organismes_agrees,
        count(distinct siret) filter (where qualiopi_declare or qualiopi_dgefp) as nb_organismes_qualiopi,
        count(distinct code_departement) as nb_departements_couverts
    from agrements
    group by fiche_id, code_certification
),

final as (
    select
        certification_fiches.fiche_id,
        fiches.libelle_fiche,
        certification_fiches.code_certification,
        details.intitule_certification,
        details.niveau,
        details.formacode,
        details.domaine_formacode,
        details.codes_rome,
        coalesce(contrats.nb_contrats_pro, 0) as nb_contrats_pro,
        coalesce(providers_by_certification.nb_organismes_agrees, 0) as nb_organismes_agrees,
        coalesce(providers_by_certification.nb_organismes_qualiopi, 0) as nb_organismes_qualiopi,
        coalesce(providers_by_certification.nb_departements_couverts, 0) as nb_departements_couverts
    from certification_fiches
    inner join fiches using (fiche_id)
    inner join details using (code_certification)
    left join contrats using (code_certification)
    left join providers_by_certification using (fiche_id, code_certification)
)

select * from final
