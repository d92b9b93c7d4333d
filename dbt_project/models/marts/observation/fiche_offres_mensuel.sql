-- Job offers of each fiche métier: one row per fiche × territory (région, département, zone d'emploi) × month.
{{ offers_mart(by_fiche=true, period='mois') }}
