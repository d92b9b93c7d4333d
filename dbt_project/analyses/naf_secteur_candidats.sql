-- The NAF codes of the member employers in the latest extract, with how many employers have each and whether
-- the naf_secteur seed holds it: what a reviewer reads before updating the seed (dbt compile, then run the
-- compiled query in DuckDB).
with

adherents as (
    select * from {{ ref('stg_uniformation__adherents') }}
    where annee = (select max(annee) from {{ ref('stg_uniformation__adherents') }})
),

naf_secteur as (
    select * from {{ ref('stg_referentiels__naf_secteur') }}
)

select
    adherents.code_naf,
    count(*) as nb_adherents,
    naf_secteur.code_naf is not null as est_dans_le_seed
from adherents
left join naf_secteur using (code_naf)
group by all
order by nb_adherents desc
