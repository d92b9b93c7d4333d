select
    code_branche,
    libelle_branche
from {{ source('referentiels', 'ref_branches') }}
