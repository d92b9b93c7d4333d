-- Published: Organismes agréés par département (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_fiche_organismes_agrees')) }}
