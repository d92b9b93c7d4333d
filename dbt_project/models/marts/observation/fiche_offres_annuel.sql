-- Job offers of each fiche métier: one row per fiche × territory (région, département, zone d'emploi) × year.
{{ offers_by_period('annee', by_fiche=true) }}
