-- Published: Contrats de professionnalisation par niveau à l'entrée (région) (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_fiche_contrats_par_niveau')) }}
