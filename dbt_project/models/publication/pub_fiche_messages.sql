-- Published: the figures of each fiche's key messages, read from the published tables (so a message never
-- contradicts them, and a figure the secret statistique hides is empty here too), on the latest complete year
-- of each source, compared with the year before when it is complete too. One row per fiche.
with

fiches as (
    select * from {{ ref('pub_fiches_metiers') }}
),

couverture as (
    select * from {{ ref('pub_couverture_annees') }}
),

chiffres as (
    select * from {{ ref('pub_fiche_chiffres_cles') }}
),

territoires as (
    select * from {{ ref('pub_fiche_offres_territoires') }}
),

annees as (
    select
        max(annee) filter (where source = 'contrats' and est_complete) as annee_contrats,
        max(annee) filter (where source = 'offres' and est_complete) as annee_offres
    from couverture
),

offres_annee as (
    select
        courante.fiche_id,
        courante.annee as annee_offres,
        courante.nb_offres,
        (courante.nb_offres - precedente.nb_offres) / precedente.nb_offres as taux_evolution_offres,
        courante.nb_offres_eligibles_1e1f,
        courante.nb_intentions_sans_organisme
    from chiffres as courante
    inner join annees on courante.annee = annees.annee_offres
    left join couverture
        on couverture.source = 'offres' and couverture.annee = courante.annee - 1 and couverture.est_complete
    left join chiffres as precedente
        on
            precedente.fiche_id = courante.fiche_id
            and precedente.annee = couverture.annee
            and precedente.nb_offres > 0
    where courante.nb_offres is not null
),

departements_classes as (
    select
        territoires.fiche_id,
        territoires.libelle_territoire,
        territoires.nb_offres,
        row_number() over (
            partition by territoires.fiche_id order by territoires.nb_offres desc, territoires.code_territoire
        ) as rang,
        lead(territoires.nb_offres) over (
            partition by territoires.fiche_id order by territoires.nb_offres desc, territoires.code_territoire
        ) as suivant
    from territoires
    inner join annees on territoires.annee = annees.annee_offres
    where
        territoires.niveau_territoire = 'departement'
        and territoires.code_territoire <> 'inconnu'
        and territoires.nb_offres is not null
),

departement_premier as (
    select
        departements_classes.fiche_id,
        departements_classes.libelle_territoire as departement_plus_offres,
        departements_classes.nb_offres / offres_annee.nb_offres as part_offres_departement_plus
    from departements_classes
    inner join offres_annee on departements_classes.fiche_id = offres_annee.fiche_id
    where
        departements_classes.rang = 1
        and departements_classes.nb_offres > coalesce(departements_classes.suivant, 0)
        and offres_annee.nb_offres > 0
),

contrats as (
    select
        chiffres.fiche_id,
        chiffres.annee as annee_contrats,
        chiffres.nb_contrats,
        chiffres.statut_contrats
    from chiffres
    inner join annees on chiffres.annee = annees.annee_contrats
),

final as (
    select
        fiches.fiche_id,
        offres_annee.annee_offres,
        offres_annee.nb_offres,
        offres_annee.taux_evolution_offres,
        departement_premier.departement_plus_offres,
        departement_premier.part_offres_departement_plus,
        offres_annee.nb_offres_eligibles_1e1f,
        offres_annee.nb_intentions_sans_organisme,
        contrats.annee_contrats,
        contrats.nb_contrats,
        coalesce(contrats.statut_contrats, 'publie') as statut_contrats
    from fiches
    left join offres_annee on fiches.fiche_id = offres_annee.fiche_id
    left join departement_premier on fiches.fiche_id = departement_premier.fiche_id
    left join contrats on fiches.fiche_id = contrats.fiche_id
)

select * from final
order by fiche_id
