-- The départements (and the zones d'emploi) add up to the région: an offer or a contract is placed in
-- exactly one territory of each level. A difference means a territory join lost or duplicated rows.
{{ config(meta={'why': "A territory join that loses or duplicates offers or contracts: départements and zones d'emploi would not add up to the région."}) }}
with

checks as (
    select 'fiche_offres_mensuel' as mart, fiche_id as cle, cast(mois as varchar) as periode, niveau_territoire,
        sum(nb_offres) as total, sum(nb_postes) as postes, sum(nb_offres_eligibles_1e1f) as eligibles
    from {{ ref('fiche_offres_mensuel') }}
    group by all
    union all
    select 'fiche_offres_annuel', fiche_id, cast(annee as varchar), niveau_territoire,
        sum(nb_offres), sum(nb_postes), sum(nb_offres_eligibles_1e1f)
    from {{ ref('fiche_offres_annuel') }}
    group by all
    union all
    select 'portrait_offres_mensuel', 'secteur', cast(mois as varchar), niveau_territoire,
        sum(nb_offres), sum(nb_postes), sum(nb_offres_eligibles_1e1f)
    from {{ ref('portrait_offres_mensuel') }}
    group by all
    union all
    select 'fiche_contrats_pro_annuel', fiche_id, cast(annee as varchar), niveau_territoire,
        sum(nb_contrats), sum(nb_contrats_femmes), sum(nb_contrats_moins_26_ans)
    from {{ ref('fiche_contrats_pro_annuel') }}
    group by all
    union all
    select 'fiche_pression_recrutement', fiche_id, cast(annee as varchar), niveau_territoire,
        sum(nb_offres_secteur), sum(nb_salaries_secteur), sum(nb_adherents_secteur)
    from {{ ref('fiche_pression_recrutement') }}
    group by all
    union all
    -- the départements' rows against the région's key figures
    select 'portrait_contrats_par_departement', 'secteur', cast(annee as varchar), 'departement',
        sum(nb_contrats), sum(nb_adherents), sum(nb_salaries)
    from {{ ref('portrait_contrats_par_departement') }}
    group by all
    union all
    select 'portrait_contrats_par_departement', 'secteur', cast(annee as varchar), 'region',
        nb_contrats_pro, nb_adherents, nb_salaries
    from {{ ref('portrait_chiffres_cles') }}
    union all
    -- the 1e1f mart by département against the fiches' offers of the région
    select 'emploi_formation_annuel', fiche_id, cast(annee as varchar), 'departement',
        sum(nb_offres), 0, sum(nb_intentions_eligibles)
    from {{ ref('emploi_formation_annuel') }}
    group by all
    union all
    select 'emploi_formation_annuel', fiche_id, cast(annee as varchar), 'region', nb_offres, 0, nb_offres_eligibles_1e1f
    from {{ ref('fiche_offres_annuel') }}
    where niveau_territoire = 'region'
),

region as (
    select * from checks where niveau_territoire = 'region'
)

select
    parts.mart,
    parts.cle,
    parts.periode,
    parts.niveau_territoire,
    parts.total,
    region.total as total_region,
    parts.postes,
    region.postes as postes_region,
    parts.eligibles,
    region.eligibles as eligibles_region
from checks as parts
full outer join region using (mart, cle, periode)
where parts.niveau_territoire <> 'region'
    and (
        region.total is distinct from parts.total
        or region.postes is distinct from parts.postes
        or region.eligibles is distinct from parts.eligibles
    )
