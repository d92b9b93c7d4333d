"""What was checked before an edition was published: every check of the run (dbt tests, great-expectations
suites, the pipeline's own checks) with what it protects against (``meta.why``), its counts and its result,
and the files refused or rows quarantined since the previous edition. Laid out as ``qualite.html`` and kept
as ``qualite.json`` in the edition.

Only counts leave the warehouse here: a check's metadata is kept when it is a number, never a text that could
quote unexpected values of unmasked data.

Pure Python: no Dagster, no warehouse.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from orchestration.lib.publication_spec import PublicationSpec
from orchestration.lib.quality import publication_suite_config, suite_names

QUALITY_JSON = "qualite.json"
KINDS = {
    "dbt": "Tests dbt (modèles de l'entrepôt)",
    "gx": "Suites great-expectations (tables observées et publiées)",
    "pipeline": "Contrôles du chargement des fichiers",
}


def dbt_whys(manifest: Mapping) -> dict[str, list[str]]:
    """The dbt tests of the manifest by name, with their ``config.meta.why``."""
    whys = {}
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") == "test":
            why = ((node.get("config") or {}).get("meta") or {}).get("why")
            whys[node["name"]] = [why] if why else []
    return whys


def _suite_whys(expectations: Iterable[Mapping]) -> list[str]:
    seen: list[str] = []
    for expectation in expectations:
        why = (expectation.get("meta") or {}).get("why")
        if why and why not in seen:
            seen.append(why)
    return seen


def gx_whys(
    expectations_dir: Path, spec: PublicationSpec, min_people: int, min_employers: int
) -> dict[str, list[str]]:
    """The great-expectations checks by name (``gx_<mart>``, ``gx_<publication model>``), with the whys of
    their expectations."""
    whys = {}
    suites = Path(expectations_dir) / "suites"
    for name in suite_names(suites):
        data = json.loads((suites / f"{name}.json").read_text(encoding="utf-8"))
        whys[f"gx_{name}"] = _suite_whys(data.get("expectations", []))
    for table in spec.tables:
        config = publication_suite_config(table, min_people, min_employers)
        whys[f"gx_{table.model}"] = _suite_whys(config["expectations"])
    return whys


def numeric_counts(metadata: Mapping) -> dict[str, int | float]:
    """The numbers of a check's metadata (texts are left out: they may quote values of the data)."""
    return {
        key.removeprefix("dagster_dbt/"): value
        for key, value in sorted(metadata.items())
        if isinstance(value, int | float) and not isinstance(value, bool)
    }


def build_report(
    checks: Iterable[Mapping],
    *,
    dbt: Mapping[str, list[str]],
    gx: Mapping[str, list[str]],
    refused: list[dict],
    quarantined: list[dict],
    since: str | None,
) -> dict:
    """``checks``: {"asset", "name", "passed", "blocking", "counts", "why"} of the run (``why``: the
    check's own, for the pipeline's checks). ``refused``/``quarantined``: the files refused and the file
    versions with quarantined rows, loaded since ``since`` (the previous edition's date; None: ever)."""
    rows = []
    for check in checks:
        name = check["name"]
        if name in dbt:
            kind, whys = "dbt", dbt[name]
        elif name in gx:
            kind, whys = "gx", gx[name]
        else:
            kind, whys = "pipeline", [check["why"]] if check.get("why") else []
        rows.append(
            {
                "kind": kind,
                "asset": check["asset"],
                "name": name,
                "passed": bool(check["passed"]),
                "blocking": bool(check["blocking"]),
                "why": whys,
                "counts": dict(check.get("counts") or {}),
            }
        )
    rows.sort(key=lambda r: (list(KINDS).index(r["kind"]), r["asset"], r["name"]))
    return {
        "checks": rows,
        "total": len(rows),
        "failed": sum(1 for r in rows if not r["passed"]),
        "by_kind": {kind: sum(1 for r in rows if r["kind"] == kind) for kind in KINDS},
        "without_why": sum(1 for r in rows if not r["why"]),
        "since": since,
        "refused_files": refused,
        "quarantined": quarantined,
        "rows_quarantined": sum(q["rows_quarantined"] for q in quarantined),
    }
