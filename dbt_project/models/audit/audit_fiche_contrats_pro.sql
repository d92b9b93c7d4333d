-- fiche_contrats_pro_annuel with what the secret statistique decided: the status of the row's contracts, of
-- those of people under 26 and of women (a share next to the count gives a part and its complement back).
with

contrats as (
    select * from {{ ref('fiche_contrats_pro_annuel') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

keyed as (
    -- the département of the row's cells: none for the région
    select *, case niveau_territoire when 'departement' then code_territoire end as code_departement
    from contrats
),

final as (
    select
        keyed.fiche_id,
        cast(keyed.annee as integer) as annee,
        keyed.niveau_territoire,
        keyed.code_territoire,
        keyed.libelle_territoire,
        keyed.nb_contrats,
        keyed.age_median,
        keyed.part_moins_26_ans,
        keyed.part_femmes,
        coalesce(ligne.statut, 'publie') as statut_contrats,
        coalesce(jeunes.statut, 'publie') as statut_contrats_moins_26_ans,
        coalesce(femmes.statut, 'publie') as statut_contrats_femmes,
        keyed.nb_contrats_moins_26_ans,
        keyed.nb_contrats_femmes,
        ligne.nb_employeurs,
        ligne.part_premier_employeur,
        ligne.motif
    from keyed
    left join cellules as ligne on ligne.cellule_id = case keyed.niveau_territoire
        when 'region' then {{ cellule_ref('contrats', {'annee': 'keyed.annee', 'fiche_id': 'keyed.fiche_id'}) }}
        else {{ cellule_ref('contrats', {'annee': 'keyed.annee', 'code_departement': 'keyed.code_departement', 'fiche_id': 'keyed.fiche_id'}) }}
    end
    left join cellules as jeunes on jeunes.cellule_id = case keyed.niveau_territoire
        when 'region' then {{ cellule_ref('contrats', {'annee': 'keyed.annee', 'fiche_id': 'keyed.fiche_id', 'age_26': "'moins de 26 ans'"}) }}
        else {{ cellule_ref('contrats', {'annee': 'keyed.annee', 'code_departement': 'keyed.code_departement', 'fiche_id': 'keyed.fiche_id', 'age_26': "'moins de 26 ans'"}) }}
    end
    left join cellules as femmes on femmes.cellule_id = case keyed.niveau_territoire
        when 'region' then {{ cellule_ref('contrats', {'annee': 'keyed.annee', 'fiche_id': 'keyed.fiche_id', 'sexe': "'femme'"}) }}
        else {{ cellule_ref('contrats', {'annee': 'keyed.annee', 'code_departement': 'keyed.code_departement', 'fiche_id': 'keyed.fiche_id', 'sexe': "'femme'"}) }}
    end
)

select * from final
