-- fiche_contrats_par_niveau with what the secret statistique decided: the status of each level's contracts
-- and of the fiche's contracts that year (the share).
with

par_niveau as (
    select * from {{ ref('fiche_contrats_par_niveau') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

final as (
    select
        par_niveau.fiche_id,
        cast(par_niveau.annee as integer) as annee,
        par_niveau.niveau_entree_groupe,
        par_niveau.nb_contrats,
        par_niveau.part_contrats,
        coalesce(ligne.statut, 'publie') as statut_contrats,
        coalesce(total.statut, 'publie') as statut_total,
        ligne.nb_employeurs,
        ligne.part_premier_employeur,
        ligne.motif
    from par_niveau
    left join cellules as ligne
        on ligne.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_niveau.annee', 'fiche_id': 'par_niveau.fiche_id', 'niveau_entree': 'par_niveau.niveau_entree_groupe'}) }}
    left join cellules as total
        on total.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_niveau.annee', 'fiche_id': 'par_niveau.fiche_id'}) }}
)

select * from final
