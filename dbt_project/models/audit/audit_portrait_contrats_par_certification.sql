-- portrait_contrats_par_certification with what the secret statistique decided: the status of each
-- certification's contracts that year and of the year's total (the share); the rank is computed among the
-- published certifications only.
with

par_certification as (
    select * from {{ ref('portrait_contrats_par_certification') }}
),

cellules as (
    select * from {{ ref('audit_secret__cellules') }}
),

statuses as (
    select
        par_certification.*,
        coalesce(ligne.statut, 'publie') as statut_contrats,
        coalesce(total.statut, 'publie') as statut_total,
        ligne.nb_employeurs,
        ligne.part_premier_employeur,
        ligne.motif
    from par_certification
    left join cellules as ligne
        on ligne.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_certification.annee', 'code_certification': 'par_certification.code_certification'}) }}
    left join cellules as total
        on total.cellule_id = {{ cellule_ref('contrats', {'annee': 'par_certification.annee'}) }}
),

final as (
    select
        cast(annee as integer) as annee,
        code_certification,
        intitule_certification,
        codes_rome,
        domaine_formacode,
        nb_contrats,
        part_contrats,
        rank() over (
            partition by annee order by case when statut_contrats = 'publie' then nb_contrats end desc nulls last
        ) as rang,
        statut_contrats,
        statut_total,
        nb_employeurs,
        part_premier_employeur,
        motif
    from statuses
)

select * from final
