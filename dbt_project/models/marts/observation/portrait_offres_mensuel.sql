-- Job offers of the sector's métiers (the 11 fiches together): one row per territory × month.
{{ offers_by_period('mois', by_fiche=false) }}
