-- Published: the sector's key figures by year (what the secret statistique hides is empty; see statut_*).
{{ publish_from_audit(ref('audit_portrait_chiffres_cles')) }}
