select
    code_departement,
    libelle_departement,
    code_region
from {{ source('referentiels', 'ref_departements') }}
