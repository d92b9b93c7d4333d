-- "1 emploi = 1 formation" by year: eligible hiring intentions against the training supply, one row per
-- fiche × département of the région × year with offers observed. Intentions are counted as covered when an
-- agreed provider was there in their month (sums of the monthly mart); providers are counted once a year.
with

mensuel as (
    select * from {{ ref('int_emploi_formation__mensuel') }}
),

agrements as (
    select * from {{ ref('int_agrements__fiches') }}
),

monthly_sums as (
    select
        fiche_id,
        any_value(libelle_fiche) as libelle_fiche,
        code_departement,
        any_value(libelle_departement) as libelle_departement,
        cast(year(mois) as integer) as annee,
        cast(sum(nb_offres) as bigint) as nb_offres,
        cast(sum(nb_intentions_eligibles) as bigint) as nb_intentions_eligibles,
        cast(sum(nb_postes_eligibles) as bigint) as nb_postes_eligibles,
        cast(sum(nb_intentions_eligibilite_inconnue) as bigint) as nb_intentions_eligibilite_inconnue,
        cast(sum(nb_intentions_avec_organisme) as bigint) as nb_intentions_avec_organisme,
        cast(sum(nb_intentions_sans_organisme) as bigint) as nb_intentions_sans_organisme,
        min(mois) as premier_mois,
        max(mois) as dernier_mois
    from mensuel
    group by fiche_id, code_departement, year(mois)
),

providers as (
    -- agreements that cover at least one day of the observed months of the year
    select
        monthly_sums.fiche_id,
        monthly_sums.code_departement,
        monthly_sums.annee,
        count(distinct agrements.siret) as nb_organismes_agrees,
        count(distinct agrements.siret) filter (
            where coalesce(agrements.qualiopi_dgefp, agrements.qualiopi_declare)
        ) as nb_organismes_qualiopi
    from monthly_sums
    inner join agrements
        on agrements.fiche_id = monthly_sums.fiche_id
        and agrements.code_departement = monthly_sums.code_departement
        and agrements.date_debut <= last_day(monthly_sums.dernier_mois)
        and coalesce(agrements.date_fin, date '9999-12-31') >= monthly_sums.premier_mois
    group by all
),

final as (
    select
        monthly_sums.fiche_id,
        monthly_sums.libelle_fiche,
        monthly_sums.code_departement,
        monthly_sums.libelle_departement,
        monthly_sums.annee,
        monthly_sums.nb_offres,
        monthly_sums.nb_intentions_eligibles,
        monthly_sums.nb_postes_eligibles,
        monthly_sums.nb_intentions_eligibilite_inconnue,
        monthly_sums.nb_intentions_avec_organisme,
        monthly_sums.nb_intentions_sans_organisme,
        monthly_sums.nb_intentions_sans_organisme / nullif(monthly_sums.nb_intentions_eligibles, 0)
            as part_intentions_sans_organisme,
        coalesce(providers.nb_organismes_agrees, 0) as nb_organismes_agrees,
        coalesce(providers.nb_organismes_qualiopi, 0) as nb_organismes_qualiopi,
        case when monthly_sums.nb_intentions_eligibles = 0 then coalesce(providers.nb_organismes_agrees, 0) else 0 end
            as nb_organismes_sans_intention,
        case
            when monthly_sums.nb_intentions_eligibles > 0 and monthly_sums.nb_intentions_sans_organisme = 0
                then 'intentions_couvertes'
            when monthly_sums.nb_intentions_sans_organisme > 0 and monthly_sums.nb_intentions_avec_organisme > 0
                then 'intentions_partiellement_couvertes'
            when monthly_sums.nb_intentions_sans_organisme > 0 then 'intentions_sans_organisme'
            when coalesce(providers.nb_organismes_agrees, 0) > 0 then 'organismes_sans_intention'
            else 'ni_intention_ni_organisme'
        end as statut
    from monthly_sums
    left join providers using (fiche_id, code_departement, annee)
)

select * from final
