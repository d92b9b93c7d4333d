-- Job offers of each fiche métier: one row per fiche × territory (région, département, zone d'emploi) × month.
{{ offers_by_period('mois', by_fiche=true) }}
