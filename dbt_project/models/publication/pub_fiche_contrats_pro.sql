-- Published: Contrats de professionnalisation par année (région et départements) (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_fiche_contrats_pro')) }}
