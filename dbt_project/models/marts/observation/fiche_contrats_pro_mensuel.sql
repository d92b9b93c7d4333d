-- Contrats de professionnalisation of each fiche métier: one row per fiche × territory (région, département) × month.
{{ contracts_fiche_mart(period='mois') }}
