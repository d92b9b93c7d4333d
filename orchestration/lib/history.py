"""What changed since the previous edition, computed in the warehouse from the publication models of both.

Every edition keeps its published tables in ``editions.publication_history`` (one row per published cell:
edition id, table, row key, column, value as text), written by the edition asset when it publishes. An
edition is compared with the latest one by SQL over that table: tables added or gone, rows added or gone,
cells whose value changed, and the key figures that moved (before, after, difference). The renderer only lays
out the result (``changements.html``); a run whose tables equal the latest edition's publishes nothing.

No Dagster import: functions take an open DuckDB connection.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from orchestration.lib.publication_spec import PublicationSpec, TableSpec

SCHEMA = "editions"
HISTORY = f"{SCHEMA}.publication_history"
TABLE_MARKER = ""  # the row that records a table was published (even empty)
KEY_SEPARATOR = " | "
# the tables whose every moved figure is listed by name; others are summarised by counts
KEY_TABLES = ("portrait_messages", "portrait_chiffres_cles", "fiche_messages", "fiche_chiffres_cles")
MAX_MOVED = 400

_DDL = f"""
create schema if not exists {SCHEMA};
create table if not exists {HISTORY} (
    edition_id varchar not null,
    table_name varchar not null,
    row_key varchar not null,
    column_name varchar not null,
    value varchar
)
"""


@dataclass(frozen=True)
class TableChange:
    table: str
    title: str
    rows_before: int
    rows_now: int
    rows_added: int
    rows_removed: int
    cells_changed: int


@dataclass(frozen=True)
class MovedFigure:
    table: str
    row: str  # the row's key values, e.g. "aide-a-domicile | 2025"
    column: str
    label: str
    format: str
    before: str | None
    after: str | None
    difference: float | None  # after - before when both are numbers


@dataclass(frozen=True)
class Changes:
    edition: str
    previous: str | None  # None: no earlier edition kept in the warehouse to compare with
    tables_added: list[str] = field(default_factory=list)
    tables_removed: list[str] = field(default_factory=list)
    tables: list[TableChange] = field(default_factory=list)  # tables in both editions that changed
    moved: list[MovedFigure] = field(default_factory=list)  # figures of KEY_TABLES that changed
    moved_truncated: int = 0  # moved figures left out of ``moved`` (beyond MAX_MOVED)

    @property
    def identical(self) -> bool:
        return self.previous is not None and not (self.tables_added or self.tables_removed or self.tables)

    @property
    def cells_changed(self) -> int:
        return sum(t.cells_changed for t in self.tables)

    def summary(self) -> str:
        """One French sentence for the asset's metadata and the CLI."""
        if self.previous is None:
            return "Première édition comparable : aucune édition précédente n'est conservée dans l'entrepôt."
        if self.identical:
            return f"Aucun chiffre publié n'a changé depuis l'édition {self.previous}."
        parts = [
            f"{self.cells_changed} valeur(s) modifiée(s) dans {len(self.tables)} tableau(x)",
            f"{sum(t.rows_added for t in self.tables)} ligne(s) ajoutée(s)",
            f"{sum(t.rows_removed for t in self.tables)} retirée(s)",
        ]
        if self.tables_added:
            parts.append(f"tableaux ajoutés : {', '.join(self.tables_added)}")
        if self.tables_removed:
            parts.append(f"tableaux retirés : {', '.join(self.tables_removed)}")
        return f"Depuis l'édition {self.previous} : " + " ; ".join(parts) + "."

    def as_dict(self) -> dict:
        return {**asdict(self), "identical": self.identical, "summary": self.summary()}


def ensure(con) -> None:
    con.execute(_DDL)


def _snapshot_select(table: TableSpec, edition_id: str) -> str:
    key = " || '{sep}' || ".join(f"coalesce(cast({k} as varchar), '')" for k in table.primary_key).format(
        sep=KEY_SEPARATOR
    )
    others = [c for c in table.column_names if c not in table.primary_key]
    marker = (
        f"select '{edition_id}' as edition_id, '{table.name}' as table_name, "
        f"'{TABLE_MARKER}' as row_key, '{TABLE_MARKER}' as column_name, null as value"
    )
    if not others:
        cells = f"select '{edition_id}', '{table.name}', {key}, '{TABLE_MARKER}', null from {table.relation}"
    else:
        casts = ", ".join(f"cast({c} as varchar) as {c}" for c in others)
        cells = (
            f"select '{edition_id}', '{table.name}', row_key, column_name, value "
            f"from (select {key} as row_key, {casts} from {table.relation}) "
            f"unpivot include nulls (value for column_name in ({', '.join(others)}))"
        )
    return f"{marker} union all {cells}"


def stage(con, spec: PublicationSpec, edition_id: str) -> None:
    """Keeps the publication models' current content under ``edition_id`` (replacing any earlier copy)."""
    ensure(con)
    con.execute(f"delete from {HISTORY} where edition_id = ?", [edition_id])
    for table in spec.tables:
        con.execute(f"insert into {HISTORY} {_snapshot_select(table, edition_id)}")


def kept(con) -> set[str]:
    """The editions whose tables the warehouse keeps."""
    ensure(con)
    return {e for (e,) in con.execute(f"select distinct edition_id from {HISTORY}").fetchall()}


def drop(con, edition_ids: list[str] | set[str]) -> None:
    ensure(con)
    for edition_id in edition_ids:
        con.execute(f"delete from {HISTORY} where edition_id = ?", [edition_id])


def keep_only(con, edition_ids: set[str]) -> list[str]:
    """Forgets the tables of editions no longer in the publication folder (pruned); returns their ids."""
    gone = sorted(kept(con) - set(edition_ids))
    drop(con, gone)
    return gone


def compare(con, spec: PublicationSpec, edition_id: str, previous: str | None) -> Changes:
    """What changed between ``previous`` and ``edition_id`` (both staged); previous None or not kept: a
    first comparable edition."""
    ensure(con)
    if previous is None or previous not in kept(con):
        return Changes(edition=edition_id, previous=None)
    params = {"now": edition_id, "before": previous}
    presence = con.execute(
        f"""
        select
            table_name,
            bool_or(edition_id = $now) as in_now,
            bool_or(edition_id = $before) as in_before,
            count(distinct row_key) filter (where edition_id = $before and row_key <> '') as rows_before,
            count(distinct row_key) filter (where edition_id = $now and row_key <> '') as rows_now
        from {HISTORY}
        where edition_id in ($now, $before)
        group by table_name
        order by table_name
        """,
        params,
    ).fetchall()
    rows_moved = dict(
        ((t, k), n)
        for t, k, n in con.execute(
            f"""
            with
            now as (select distinct table_name, row_key from {HISTORY} where edition_id = $now and row_key <> ''),
            before as (
                select distinct table_name, row_key from {HISTORY} where edition_id = $before and row_key <> ''
            ),
            added as (select * from now except select * from before),
            removed as (select * from before except select * from now)
            select table_name, 'added', count(*) from added group by all
            union all
            select table_name, 'removed', count(*) from removed group by all
            """,
            params,
        ).fetchall()
    )
    differences = con.execute(
        f"""
        select
            now.table_name,
            now.row_key,
            now.column_name,
            before.value as before,
            now.value as after,
            try_cast(now.value as double) - try_cast(before.value as double) as difference
        from {HISTORY} as now
        inner join {HISTORY} as before
            on
                before.edition_id = $before
                and before.table_name = now.table_name
                and before.row_key = now.row_key
                and before.column_name = now.column_name
        where now.edition_id = $now and now.row_key <> '' and now.value is distinct from before.value
        order by now.table_name, now.row_key, now.column_name
        """,
        params,
    ).fetchall()
    changed: dict[str, int] = {}
    for name, *_ in differences:
        changed[name] = changed.get(name, 0) + 1

    titles = {t.name: t.title for t in spec.tables}
    tables, added, removed = [], [], []
    for name, in_now, in_before, rows_before, rows_now in presence:
        if in_now and not in_before:
            added.append(name)
        elif in_before and not in_now:
            removed.append(name)
        else:
            change = TableChange(
                table=name,
                title=titles.get(name, name),
                rows_before=rows_before,
                rows_now=rows_now,
                rows_added=rows_moved.get((name, "added"), 0),
                rows_removed=rows_moved.get((name, "removed"), 0),
                cells_changed=changed.get(name, 0),
            )
            if change.rows_added or change.rows_removed or change.cells_changed:
                tables.append(change)

    moved = []
    for name, row, column, before, after, difference in differences:
        if name not in KEY_TABLES:
            continue
        try:
            column_spec = spec.table(name).column(column)
        except KeyError:
            continue
        moved.append(
            MovedFigure(
                table=name,
                row=row,
                column=column,
                label=column_spec.label,
                format=column_spec.format,
                before=before,
                after=after,
                difference=difference,
            )
        )
    return Changes(
        edition=edition_id,
        previous=previous,
        tables_added=added,
        tables_removed=removed,
        tables=tables,
        moved=moved[:MAX_MOVED],
        moved_truncated=max(0, len(moved) - MAX_MOVED),
    )
