"""The code location: merges what each domain module contributes; nothing else."""

import dagster as dg

from orchestration.defs.automation import alerts, jobs, sensors
from orchestration.defs.ingest import francetravail, landing, referentiels
from orchestration.defs.publish import approval, edition
from orchestration.defs.quality import checks, reconciliation
from orchestration.defs.transform import assets

defs = dg.Definitions.merge(
    referentiels.defs(),
    francetravail.defs(),
    landing.defs(),
    assets.defs(),
    checks.defs(),
    reconciliation.defs(),
    edition.defs(),
    approval.defs(),
    jobs.defs(),
    sensors.defs(),
    alerts.defs(),
    dg.Definitions(executor=dg.in_process_executor),
)
