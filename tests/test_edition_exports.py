"""An edition's tables for analysts: Parquet files and one DuckDB file with the published figures, typed,
hidden figures NULL; written whole or not at all."""

import json
from datetime import date

import duckdb

from orchestration.lib.edition_exports import DATABASE, write_exports
from orchestration.lib.open_data import SECRET, PublishedTable
from orchestration.lib.publication_spec import ColumnSpec, TableSpec


def table() -> PublishedTable:
    spec = TableSpec(
        model="pub_offres_par_fiche",
        title="Offres par fiche (l'essentiel)",
        description="",
        page="portrait",
        order=1,
        source="France Travail",
        unit="offres",
        primary_key=("fiche",),
        columns=(
            ColumnSpec("fiche", "varchar", "Fiche", "", "text"),
            ColumnSpec("jour", "date", "Jour", "", "date"),
            ColumnSpec("offres", "integer", "Offres", "", "integer", masked_by=("statut",)),
            ColumnSpec("statut", "varchar", "Statut", "", "status"),
        ),
    )
    rows = [
        ("aide-a-domicile", date(2025, 3, 4), 42, "publie"),
        ("comptabilite", date(2025, 3, 4), 2, SECRET),
    ]
    return PublishedTable(spec, rows)


def test_each_table_is_written_as_parquet_and_into_one_duckdb_file_listed_in_the_manifest(tmp_path):
    (tmp_path / "manifest.json").write_text(
        json.dumps({"edition": "x", "outputs": ["index.html", "manifest.json"]})
    )
    folder = write_exports(tmp_path, {"offres_par_fiche": table()})
    assert json.loads((tmp_path / "manifest.json").read_text())["outputs"] == [
        "analyse/observatoire.duckdb",
        "analyse/offres_par_fiche.parquet",
        "index.html",
        "manifest.json",
    ]
    assert sorted(p.name for p in folder.iterdir()) == [DATABASE, "offres_par_fiche.parquet"]
    with duckdb.connect(str(folder / DATABASE), read_only=True) as con:
        rows = con.execute("select * from offres_par_fiche order by fiche").fetchall()
        types = dict(con.execute("select column_name, data_type from information_schema.columns").fetchall())
    assert rows == [
        ("aide-a-domicile", date(2025, 3, 4), 42, "publie"),
        ("comptabilite", date(2025, 3, 4), None, SECRET),
    ]
    assert types["offres"] == "INTEGER" and types["jour"] == "DATE"
    parquet = duckdb.sql(
        f"select offres from '{folder / 'offres_par_fiche.parquet'}' order by fiche"
    ).fetchall()
    assert parquet == [(42,), (None,)]
    assert not list(tmp_path.glob(".*partial"))
