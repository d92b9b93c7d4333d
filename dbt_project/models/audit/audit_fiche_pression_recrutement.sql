-- fiche_pression_recrutement with what the secret statistique decided: the status of the territory's member
-- employers and their employees (the rate's denominator: a rate next to its published numerator would give a
-- hidden denominator back, so it is hidden with it), that year and the year before.
with

pression as (
    select * from {{ ref('fiche_pression_recrutement') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

final as (
    select
        pression.fiche_id,
        cast(pression.annee as integer) as annee,
        pression.niveau_territoire,
        pression.code_territoire,
        pression.libelle_territoire,
        pression.nb_offres,
        pression.nb_offres_secteur,
        pression.part_offres_secteur,
        pression.nb_adherents_secteur,
        pression.nb_salaries_secteur,
        pression.offres_secteur_pour_1000_salaries,
        pression.offres_secteur_pour_1000_salaries_annee_precedente,
        pression.evolution_offres_secteur_pour_1000_salaries,
        coalesce(salaries.statut, 'publie') as statut_salaries,
        coalesce(avant.statut, 'publie') as statut_salaries_annee_precedente,
        salaries.part_premier_employeur as part_premier_adherent,
        salaries.motif
    from pression
    left join cellules as salaries on salaries.cellule_id = case pression.niveau_territoire
        when 'region' then {{ cellule_ref('adherents', {'annee': 'pression.annee'}) }}
        else {{ cellule_ref('adherents', {'annee': 'pression.annee', 'code_departement': 'pression.code_territoire'}) }}
    end
    left join cellules as avant on avant.cellule_id = case pression.niveau_territoire
        when 'region' then {{ cellule_ref('adherents', {'annee': 'pression.annee - 1'}) }}
        else {{ cellule_ref('adherents', {'annee': 'pression.annee - 1', 'code_departement': 'pression.code_territoire'}) }}
    end
)

select * from final
