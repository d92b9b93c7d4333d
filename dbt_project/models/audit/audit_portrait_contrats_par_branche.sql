-- portrait_contrats_par_branche with what the secret statistique decided: the status of each branch's
-- contracts that year and the year before (the change), and of the year's total (the share); the rank is
-- computed among the published branches only, so that it cannot bound a hidden one.
with

par_branche as (
    select * from {{ ref('portrait_contrats_par_branche') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

statuses as (
    select
        par_branche.*,
        coalesce(ligne.statut, 'publie') as statut_contrats,
        coalesce(total.statut, 'publie') as statut_total,
        coalesce(avant.statut, 'publie') as statut_contrats_annee_precedente,
        ligne.nb_employeurs,
        ligne.part_premier_employeur,
        ligne.motif
    from par_branche
    left join cellules as ligne
        on ligne.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_branche.annee', 'code_branche': 'par_branche.code_branche'}) }}
    left join cellules as total
        on total.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_branche.annee'}) }}
    left join cellules as avant
        on avant.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_branche.annee - 1', 'code_branche': 'par_branche.code_branche'}) }}
),

final as (
    select
        cast(annee as integer) as annee,
        code_branche,
        libelle_branche,
        nb_contrats,
        part_contrats,
        nb_contrats_annee_precedente,
        evolution,
        taux_evolution,
        rank() over (
            partition by annee order by case when statut_contrats = 'publie' then nb_contrats end desc nulls last
        ) as rang,
        rang as rang_toutes_branches,
        statut_contrats,
        statut_total,
        statut_contrats_annee_precedente,
        nb_employeurs,
        part_premier_employeur,
        motif
    from statuses
)

select * from final
