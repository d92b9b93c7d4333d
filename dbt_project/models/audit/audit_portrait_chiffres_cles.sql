-- portrait_chiffres_cles with what the secret statistique decided for each figure: the status of the cells
-- behind it (member employers of the year, those under 11 FTE, contracts, contracts of people over 30, and
-- the previous year's for the changes) and their contributors. Never published.
with

chiffres as (
    select * from {{ ref('portrait_chiffres_cles') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

final as (
    select
        chiffres.*,
        coalesce(adherents.statut, 'publie') as statut_adherents,
        coalesce(petits.statut, 'publie') as statut_adherents_moins_11_etp,
        coalesce(contrats.statut, 'publie') as statut_contrats,
        coalesce(plus_30.statut, 'publie') as statut_contrats_plus_30_ans,
        coalesce(adherents_avant.statut, 'publie') as statut_adherents_annee_precedente,
        coalesce(contrats_avant.statut, 'publie') as statut_contrats_annee_precedente,
        adherents.nb_employeurs as nb_adherents_cellule,
        adherents.part_premier_employeur as part_premier_adherent,
        contrats.nb_employeurs as nb_employeurs_contrats,
        contrats.part_premier_employeur as part_premier_employeur_contrats
    from chiffres
    left join cellules as adherents
        on adherents.cellule_id = {{ cellule_ref('adherents', {'annee': 'chiffres.annee'}) }}
    left join cellules as petits
        on petits.cellule_id = {{ cellule_ref('adherents', {'annee': 'chiffres.annee', 'taille_adherent': "'moins de 11 ETP'"}) }}
    left join cellules as contrats
        on contrats.cellule_id = {{ cellule_ref('contrats', {'annee': 'chiffres.annee'}) }}
    left join cellules as plus_30
        on plus_30.cellule_id = {{ cellule_ref('contrats', {'annee': 'chiffres.annee', 'classe_age': "'plus de 30 ans'"}) }}
    left join cellules as adherents_avant
        on adherents_avant.cellule_id = {{ cellule_ref('adherents', {'annee': 'chiffres.annee - 1'}) }}
    left join cellules as contrats_avant
        on contrats_avant.cellule_id = {{ cellule_ref('contrats', {'annee': 'chiffres.annee - 1'}) }}
)

select * from final
