-- fiche_certifications with what the secret statistique decided for the contracts preparing each
-- certification (all years together); providers are public.
with

certifications as (
    select * from {{ ref('fiche_certifications') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

final as (
    select
        certifications.fiche_id,
        certifications.code_certification,
        certifications.intitule_certification,
        certifications.niveau,
        certifications.codes_rome,
        certifications.domaine_formacode,
        certifications.nb_contrats_pro,
        certifications.nb_organismes_agrees,
        certifications.nb_organismes_qualiopi,
        certifications.nb_departements_couverts,
        coalesce(contrats.statut, 'publie') as statut_contrats,
        contrats.nb_employeurs,
        contrats.part_premier_employeur,
        contrats.motif
    from certifications
    left join cellules as contrats
        on contrats.cellule_id = {{ cellule_ref('contrats', {'code_certification': 'certifications.code_certification'}) }}
)

select * from final
