-- fiche_chiffres_cles with what the secret statistique decided for the fiche's contracts and for the
-- sector's employees (the hiring pressure's denominator) that year.
with

chiffres as (
    select * from {{ ref('fiche_chiffres_cles') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

final as (
    select
        chiffres.fiche_id,
        cast(chiffres.annee as integer) as annee,
        chiffres.nb_offres,
        chiffres.nb_offres_secteur,
        chiffres.nb_offres_eligibles_1e1f,
        chiffres.nb_intentions_sans_organisme,
        chiffres.part_cdi,
        chiffres.salaire_mensuel_median,
        chiffres.offres_secteur_pour_1000_salaries,
        chiffres.nb_contrats,
        coalesce(salaries.statut, 'publie') as statut_salaries,
        coalesce(contrats.statut, 'publie') as statut_contrats,
        contrats.nb_employeurs,
        contrats.part_premier_employeur,
        contrats.motif
    from chiffres
    left join cellules as salaries on salaries.cellule_id = {{ cellule_ref('adherents', {'annee': 'chiffres.annee'}) }}
    left join cellules as contrats
        on contrats.cellule_id = {{ cellule_ref('contrats', {'annee': 'chiffres.annee', 'fiche_id': 'chiffres.fiche_id'}) }}
)

select * from final
