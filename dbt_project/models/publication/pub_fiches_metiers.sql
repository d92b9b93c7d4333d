-- Published: the fiches métiers (reference list: their ROME codes and branches).
{{ publish_from_audit(ref('audit_fiches_metiers')) }}
