-- The key figures of each fiche métier in the région, by year with offers: offers (all employers and the
-- sector's), eligible hiring intentions and those without an agreed provider in their département, share of
-- CDI, median advertised salary, the sector's hiring pressure and the contrats de professionnalisation.
with

offres as (
    select * from {{ ref('fiche_offres_annuel') }} where niveau_territoire = 'region'
),

pression as (
    select * from {{ ref('fiche_pression_recrutement') }} where niveau_territoire = 'region'
),

contrats as (
    select * from {{ ref('fiche_contrats_pro_annuel') }} where niveau_territoire = 'region'
),

emploi_formation as (
    select fiche_id, annee, cast(sum(nb_intentions_sans_organisme) as bigint) as nb_intentions_sans_organisme
    from {{ ref('emploi_formation_annuel') }}
    group by fiche_id, annee
),

final as (
    select
        offres.fiche_id,
        offres.libelle_fiche,
        offres.annee,
        offres.nb_offres,
        offres.nb_offres_secteur,
        offres.nb_offres_eligibles_1e1f,
        coalesce(emploi_formation.nb_intentions_sans_organisme, 0) as nb_intentions_sans_organisme,
        offres.part_cdi,
        offres.salaire_mensuel_median,
        pression.offres_secteur_pour_1000_salaries,
        coalesce(contrats.nb_contrats, 0) as nb_contrats
    from offres
    left join pression using (fiche_id, annee)
    left join contrats using (fiche_id, annee)
    left join emploi_formation using (fiche_id, annee)
)

select * from final
