-- Each fiche's offers equal the sum of the offers of its ROME codes (v3 codes of the seed, and ROME 4.0
-- codes through their parent), counted here independently of int_rome__fiches. A difference means a ROME
-- code mapped to two fiches, a code lost by the mapping or an offer counted twice.
{{ config(meta={'why': "A ROME code mapped to two fiches or lost by the mapping: a fiche's offers would be wrong."}) }}
with

offres as (
    select * from {{ ref('int_offres__enrichies') }} where est_dans_region
),

fiche_codes as (
    select distinct fiche_id, code_rome from {{ ref('stg_referentiels__fiches_metiers') }}
),

rome_codes as (
    select * from {{ ref('stg_referentiels__rome_codes') }}
),

offers_by_code as (
    select
        coalesce(rome_codes.code_rome_parent, offres.code_rome) as code_rome_v3,
        annee_creation as annee,
        count(*) as nb_offres
    from offres
    left join rome_codes using (code_rome)
    group by all
),

expected as (
    select fiche_codes.fiche_id, offers_by_code.annee, sum(offers_by_code.nb_offres) as nb_offres
    from fiche_codes
    inner join offers_by_code on offers_by_code.code_rome_v3 = fiche_codes.code_rome
    group by all
),

published as (
    select fiche_id, annee, nb_offres
    from {{ ref('fiche_offres_annuel') }}
    where niveau_territoire = 'region'
)

select
    coalesce(expected.fiche_id, published.fiche_id) as fiche_id,
    coalesce(expected.annee, published.annee) as annee,
    expected.nb_offres as nb_offres_codes_rome,
    published.nb_offres as nb_offres_fiche
from expected
full outer join published using (fiche_id, annee)
where expected.nb_offres is distinct from published.nb_offres
