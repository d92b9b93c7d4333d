-- The NAF codes of the sector (seeds/reference/naf_secteur.csv: the member employers' codes, reviewed):
-- an offer whose employer has one of them is one of the sector's own offers.
select
    upper(trim(code_naf)) as code_naf,
    libelle_naf
from {{ source('referentiels', 'ref_naf_secteur') }}
