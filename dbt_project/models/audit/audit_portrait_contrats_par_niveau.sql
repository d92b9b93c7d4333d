-- portrait_contrats_par_niveau with what the secret statistique decided: the status of the cell of each row (contracts of the
-- year × level on entry) and of the year's total (the share), the employers behind the cell and the largest one's weight.
with

par_modalite as (
    select * from {{ ref('portrait_contrats_par_niveau') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

final as (
    select
        cast(par_modalite.annee as integer) as annee,
        par_modalite.niveau_entree_groupe,
        par_modalite.nb_contrats,
        par_modalite.part_contrats,
        coalesce(ligne.statut, 'publie') as statut_contrats,
        coalesce(total.statut, 'publie') as statut_total,
        ligne.nb_employeurs,
        ligne.part_premier_employeur,
        ligne.motif
    from par_modalite
    left join cellules as ligne
        on ligne.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_modalite.annee', 'niveau_entree': 'par_modalite.niveau_entree_groupe'}) }}
    left join cellules as total
        on total.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_modalite.annee'}) }}
)

select * from final
