-- The certifications most prepared in contrats de professionnalisation, by year (top 10 with ties).
with

contrats as (
    select * from {{ ref('int_contrats__enrichis') }} where est_dans_region
),

certifications as (
    select
        code_certification,
        any_value(intitule_certification) as intitule_certification,
        any_value(domaine_formacode) as domaine_formacode,
        string_agg(distinct code_rome, ', ' order by code_rome) as codes_rome
    from {{ ref('stg_referentiels__certifications') }}
    group by code_certification
),

counts as (
    select annee_engagement as annee, code_certification, count(*) as nb_contrats
    from contrats
    where code_certification is not null
    group by all
),

ranked as (
    select
        counts.annee,
        counts.code_certification,
        coalesce(certifications.intitule_certification, 'Certification non référencée') as intitule_certification,
        certifications.codes_rome,
        certifications.domaine_formacode,
        counts.nb_contrats,
        rank() over (partition by counts.annee order by counts.nb_contrats desc) as rang
    from counts
    left join certifications using (code_certification)
)

select * from ranked where rang <= 10 order by annee, rang, code_certification
