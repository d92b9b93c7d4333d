select
    upper(trim(code_rome)) as code_rome,
    libelle_rome,
    upper(trim(coalesce(nullif(code_rome_parent, ''), code_rome))) as code_rome_parent
from {{ source('referentiels', 'ref_rome_codes') }}
