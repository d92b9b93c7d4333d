-- Published: Offres d'emploi par mois (région) (figures the secret statistique hides are empty; see the statut_* columns).
{{ publish_from_audit(ref('audit_fiche_offres_mensuel')) }}
