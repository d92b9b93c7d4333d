-- Job offers of the sector's métiers (the 11 fiches together): one row per territory × year.
{{ offers_by_period('annee', by_fiche=false) }}
