-- Published: Le secteur par département (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_portrait_par_departement')) }}
