-- Published: the figures of the portrait's key messages, read from the published tables (so a message never
-- contradicts them, and a figure the secret statistique hides is empty here too), on the latest complete year
-- of each source, compared with the year before (complete too). One row.
with

couverture as (
    select * from {{ ref('pub_couverture_annees') }}
),

chiffres as (
    select * from {{ ref('pub_portrait_chiffres_cles') }}
),

branches as (
    select * from {{ ref('pub_portrait_contrats_par_branche') }}
),

offres as (
    select * from {{ ref('pub_portrait_offres_territoires') }}
),

annees as (
    select
        max(annee) filter (where source = 'contrats' and est_complete) as annee_contrats,
        max(annee) filter (where source = 'offres' and est_complete) as annee_offres,
        max(annee) filter (where source = 'adherents' and est_complete) as annee_adherents
    from couverture
),

contrats as (
    select
        chiffres.annee as annee_contrats,
        chiffres.nb_contrats_pro,
        chiffres.taux_evolution_contrats_pro,
        chiffres.statut_contrats
    from chiffres
    inner join annees on chiffres.annee = annees.annee_contrats
),

branches_classees as (
    select
        branches.libelle_branche,
        branches.nb_contrats,
        row_number() over (order by branches.nb_contrats desc, branches.code_branche) as rang,
        lead(branches.nb_contrats) over (order by branches.nb_contrats desc, branches.code_branche) as suivant,
        sum(branches.nb_contrats) over () as somme_publiee
    from branches
    inner join annees on branches.annee = annees.annee_contrats
    where branches.nb_contrats is not null
),

branche_premiere as (
    -- named only when it is surely the first: ahead of the next published branch and of everything the
    -- secret statistique hides (the year's total minus the published branches)
    select
        branches_classees.libelle_branche as branche_plus_contrats,
        branches_classees.nb_contrats as nb_contrats_branche_plus
    from branches_classees
    cross join contrats
    where
        branches_classees.rang = 1
        and branches_classees.nb_contrats > coalesce(branches_classees.suivant, 0)
        and branches_classees.nb_contrats > contrats.nb_contrats_pro - branches_classees.somme_publiee
),

offres_region as (
    -- the table has no row for the région: its départements add up to it (offers are not secret)
    select annee, sum(nb_offres) as nb_offres
    from offres
    where niveau_territoire = 'departement'
    group by annee
),

offres_annee as (
    select
        courante.annee as annee_offres,
        cast(courante.nb_offres as bigint) as nb_offres,
        (courante.nb_offres - precedente.nb_offres) / precedente.nb_offres as taux_evolution_offres
    from offres_region as courante
    inner join annees on courante.annee = annees.annee_offres
    left join couverture
        on couverture.source = 'offres' and couverture.annee = courante.annee - 1 and couverture.est_complete
    left join offres_region as precedente
        on precedente.annee = couverture.annee and precedente.nb_offres > 0
),

departements_classes as (
    select
        offres.libelle_territoire,
        offres.nb_offres,
        row_number() over (order by offres.nb_offres desc, offres.code_territoire) as rang,
        lead(offres.nb_offres) over (order by offres.nb_offres desc, offres.code_territoire) as suivant
    from offres
    inner join annees on offres.annee = annees.annee_offres
    where
        offres.niveau_territoire = 'departement'
        and offres.code_territoire <> 'inconnu'
        and offres.nb_offres is not null
),

departement_premier as (
    select
        departements_classes.libelle_territoire as departement_plus_offres,
        departements_classes.nb_offres / offres_annee.nb_offres as part_offres_departement_plus
    from departements_classes
    cross join offres_annee
    where
        departements_classes.rang = 1
        and departements_classes.nb_offres > coalesce(departements_classes.suivant, 0)
        and offres_annee.nb_offres > 0
),

adherents as (
    select
        chiffres.annee as annee_adherents,
        chiffres.nb_adherents,
        chiffres.nb_salaries,
        chiffres.part_femmes,
        chiffres.statut_adherents
    from chiffres
    inner join annees on chiffres.annee = annees.annee_adherents
),

final as (
    select
        'region' as perimetre,
        contrats.annee_contrats,
        contrats.nb_contrats_pro,
        contrats.taux_evolution_contrats_pro,
        branche_premiere.branche_plus_contrats,
        branche_premiere.nb_contrats_branche_plus,
        offres_annee.annee_offres,
        offres_annee.nb_offres,
        offres_annee.taux_evolution_offres,
        departement_premier.departement_plus_offres,
        departement_premier.part_offres_departement_plus,
        adherents.annee_adherents,
        adherents.nb_adherents,
        adherents.nb_salaries,
        adherents.part_femmes,
        coalesce(contrats.statut_contrats, 'publie') as statut_contrats,
        coalesce(adherents.statut_adherents, 'publie') as statut_adherents
    from (select 1) as une_ligne
    left join contrats on true
    left join branche_premiere on true
    left join offres_annee on true
    left join departement_premier on true
    left join adherents on true
)

select * from final
