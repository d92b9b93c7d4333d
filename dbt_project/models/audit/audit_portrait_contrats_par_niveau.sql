-- portrait_contrats_par_niveau with what the secret statistique decided: the status of the cell of each row (contracts of the
-- year × level on entry) and of the year's total (the share), the employers behind the cell and the largest one's weight.
{{ audit_contracts_by('portrait_contrats_par_niveau', 'niveau_entree_groupe', 'niveau_entree') }}
