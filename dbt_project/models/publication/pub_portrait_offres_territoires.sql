-- Published: Offres d'emploi des métiers du secteur, par département et zone d'emploi (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_portrait_offres_territoires')) }}
