-- One row per fiche métier × ROME (v3) code; the fiche's branches are kept as a list.
select
    fiche_id,
    libelle_fiche,
    upper(trim(code_rome)) as code_rome,
    list_filter(string_split(coalesce(branches, ''), '|'), lambda x: x <> '') as codes_branches
from {{ source('referentiels', 'ref_fiches_metiers') }}
