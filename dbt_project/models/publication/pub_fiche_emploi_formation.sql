-- Published: « 1 emploi = 1 formation » : besoins et offre de formation par département (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_fiche_emploi_formation')) }}
