-- Contrats de professionnalisation of each fiche métier: one row per fiche × territory (région, département) × year.
{{ contracts_fiche_mart(period='annee') }}
