-- Published: « 1 emploi = 1 formation » : intentions d'embauche et organismes agréés, par département (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_portrait_emploi_formation')) }}
