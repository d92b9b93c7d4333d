select
    code_commune,
    libelle_commune,
    code_departement,
    code_region,
    nullif(code_zone_emploi, '') as code_zone_emploi,
    nullif(libelle_zone_emploi, '') as libelle_zone_emploi
from {{ source('referentiels', 'ref_communes') }}
