-- Published: Pression de recrutement du secteur (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_fiche_pression_recrutement')) }}
