-- Published: Certifications préparées en contrat de professionnalisation (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_portrait_contrats_par_certification')) }}
