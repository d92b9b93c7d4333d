-- The certifications most prepared in contrats de professionnalisation, by year (top 10 with ties):
-- the named certifications of portrait_contrats_par_certification, ranked among themselves.
with

par_certification as (
    select * from {{ ref('portrait_contrats_par_certification') }} where code_certification <> 'inconnu'
),

ranked as (
    select
        annee,
        code_certification,
        intitule_certification,
        codes_rome,
        domaine_formacode,
        nb_contrats,
        rank() over (partition by annee order by nb_contrats desc) as rang
    from par_certification
)

select * from ranked where rang <= 10 order by annee, rang, code_certification
