-- portrait_contrats_par_departement with what the secret statistique decided: the status of the
-- département's member employers (and their employees), of its contracts, and of the région's contracts.
with

par_departement as (
    select * from {{ ref('portrait_contrats_par_departement') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

final as (
    select
        cast(par_departement.annee as integer) as annee,
        par_departement.code_departement,
        par_departement.libelle_departement,
        par_departement.nb_adherents,
        par_departement.nb_salaries,
        par_departement.nb_contrats,
        par_departement.part_contrats,
        coalesce(adherents.statut, 'publie') as statut_adherents,
        coalesce(contrats.statut, 'publie') as statut_contrats,
        coalesce(total.statut, 'publie') as statut_total,
        adherents.part_premier_employeur as part_premier_adherent,
        contrats.nb_employeurs as nb_employeurs_contrats,
        contrats.part_premier_employeur as part_premier_employeur_contrats,
        adherents.motif as motif_adherents,
        contrats.motif as motif_contrats
    from par_departement
    left join cellules as adherents
        on adherents.cellule_id = {{ cellule_ref('adherents', {'annee': 'par_departement.annee', 'code_departement': 'par_departement.code_departement'}) }}
    left join cellules as contrats
        on contrats.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_departement.annee', 'code_departement': 'par_departement.code_departement'}) }}
    left join cellules as total
        on total.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_departement.annee'}) }}
)

select * from final
