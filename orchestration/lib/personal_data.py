"""Personal columns leave ``raw`` ``OBS_PERSONAL_DATA_DAYS`` days after their file was loaded.

The personal columns are those the registry declares (``Source.personal``): the offers' ``contact`` and the
contracts' ``date_naissance``. The dbt step runs this after it built the models (the rows are staged by
then). What the models read must not change:

- ``contact`` is read by no model: it becomes NULL.
- ``date_naissance`` is read once, for the age at contract start (``age_in_years`` in staging): it becomes
  the date that gives the same age, ``date_debut`` minus that age in years. The real birth date is gone;
  every age, age band and published figure stays the same.

Restore: the archive (``$OBS_DATA_DIR/archive/``) keeps the files as loaded, so a rebuild from it reads the
real birth dates again and computes the same ages: the edition's CSVs are reproduced. Remove the archived
files of a period to forget its personal data for good (its editions can then no longer be rebuilt).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import duckdb

from orchestration.lib.registry import SOURCES
from orchestration.lib.warehouse import table_exists

_AGE = (
    "(year(date_debut) - year(date_naissance) "
    "- case when strftime(date_debut, '%m%d') < strftime(date_naissance, '%m%d') then 1 else 0 end)"
)
# column -> the value that replaces it (default: NULL)
REPLACEMENTS = {
    ("uniformation_contrats", "date_naissance"): (
        f"case when date_debut is null then null else cast(date_debut - to_years({_AGE}) as date) end"
    ),
}


def forget_personal_data(
    con: duckdb.DuckDBPyConnection, days: int | None, now: datetime | None = None
) -> dict[str, int]:
    """Replace the personal columns of the raw rows loaded more than ``days`` days ago (None: keep them);
    returns the rows changed per ``table.column``. Idempotent: rows already replaced are not counted."""
    if days is None:
        return {}
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    changed: dict[str, int] = {}
    for source in SOURCES:
        if not source.personal or not table_exists(con, "raw", source.name):
            continue
        for column in source.personal:
            value = REPLACEMENTS.get((source.name, column), "null")
            count = con.execute(
                f'update raw.{source.name} set "{column}" = {value} '
                f'where _loaded_at < ? and "{column}" is not null and "{column}" is distinct from ({value})',
                [cutoff],
            ).fetchall()[0][0]
            changed[f"raw.{source.name}.{column}"] = int(count)
    return changed
