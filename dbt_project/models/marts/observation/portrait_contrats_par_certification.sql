-- Contrats de professionnalisation by year and certification prepared (with its ROME codes and Formacode
-- domain; 'inconnu' when the contract names none), with its share of the year's contracts and its rank.
with

contrats as (
    select * from {{ ref('int_contrats__cellules') }}
),

certifications as (
    select
        code_certification,
        any_value(intitule_certification) as intitule_certification,
        any_value(formacode) as formacode,
        any_value(domaine_formacode) as domaine_formacode,
        string_agg(distinct code_rome, ', ' order by code_rome) as codes_rome
    from {{ ref('stg_referentiels__certifications') }}
    group by code_certification
),

counts as (
    select cast(annee as integer) as annee, code_certification, nb_contrats
    from contrats
    where {{ cell_set('contrats', ['annee', 'code_certification']) }}
),

final as (
    select
        counts.annee,
        counts.code_certification,
        coalesce(
            certifications.intitule_certification,
            case when counts.code_certification = 'inconnu' then 'Non renseignée' else 'Certification non référencée' end
        ) as intitule_certification,
        certifications.codes_rome,
        certifications.formacode,
        certifications.domaine_formacode,
        counts.nb_contrats,
        counts.nb_contrats / sum(counts.nb_contrats) over (partition by counts.annee) as part_contrats,
        rank() over (partition by counts.annee order by counts.nb_contrats desc) as rang
    from counts
    left join certifications using (code_certification)
)

select * from final
