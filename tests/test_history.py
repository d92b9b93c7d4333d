"""What changed between two editions, computed in the warehouse from the published tables kept per edition
(editions.publication_history); and the quality report's promises: counts only, a why for every check."""

import json

import duckdb
import pytest

from orchestration.lib import history, quality_report
from orchestration.lib.publication_spec import ColumnSpec, PublicationSpec, TableSpec, load_spec
from orchestration.settings import DBT_PROJECT_DIR, EXPECTATIONS_DIR


def _table(name: str, columns: dict[str, str], key: tuple[str, ...]) -> TableSpec:
    return TableSpec(
        model=f"pub_{name}",
        title=name.replace("_", " "),
        description="",
        page="portrait",
        order=0,
        source="test",
        unit="",
        primary_key=key,
        columns=tuple(
            ColumnSpec(name=c, data_type="varchar", label=c.capitalize(), description="", format=fmt)
            for c, fmt in columns.items()
        ),
    )


CHIFFRES = _table("portrait_chiffres_cles", {"annee": "year", "nb_contrats_pro": "integer"}, ("annee",))
BRANCHES = _table("branches", {"code": "code", "nb": "integer"}, ("code",))
NOUVELLE = _table("nouvelle", {"code": "code", "nb": "integer"}, ("code",))


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "warehouse.duckdb"))
    con.execute("create schema publication")
    con.execute(
        "create table publication.pub_portrait_chiffres_cles as select * from (values (2024, 142), (2025, 126)) t(annee, nb_contrats_pro)"
    )
    con.execute(
        "create table publication.pub_branches as select * from (values ('A', 20), ('B', null)) t(code, nb)"
    )
    yield con
    con.close()


def test_an_edition_equal_to_the_previous_one_is_identical(con):
    spec = PublicationSpec((CHIFFRES, BRANCHES))
    history.stage(con, spec, "20261201T000000")
    history.stage(con, spec, "20261202T000000")
    changes = history.compare(con, spec, "20261202T000000", "20261201T000000")
    assert changes.identical and changes.moved == [] and changes.tables == []
    assert "Aucun chiffre publié n'a changé" in changes.summary()


def test_moved_figures_rows_and_tables_are_named_with_their_difference(con):
    history.stage(con, PublicationSpec((CHIFFRES, BRANCHES)), "20261201T000000")
    con.execute("update publication.pub_portrait_chiffres_cles set nb_contrats_pro = 129 where annee = 2025")
    con.execute("insert into publication.pub_portrait_chiffres_cles values (2026, 12)")
    con.execute("update publication.pub_branches set nb = 7 where code = 'B'")  # a secret cell published
    con.execute("create table publication.pub_nouvelle as select 'X' as code, 3 as nb")
    spec = PublicationSpec((CHIFFRES, NOUVELLE, BRANCHES))
    history.stage(con, spec, "20261202T000000")

    changes = history.compare(con, spec, "20261202T000000", "20261201T000000")

    assert not changes.identical
    assert changes.tables_added == ["nouvelle"] and changes.tables_removed == []
    by_table = {t.table: t for t in changes.tables}
    assert (
        by_table["portrait_chiffres_cles"].rows_added,
        by_table["portrait_chiffres_cles"].cells_changed,
    ) == (1, 1)
    assert by_table["branches"].cells_changed == 1
    [moved] = changes.moved  # only the key tables' figures are listed one by one
    assert (moved.row, moved.column, moved.before, moved.after, moved.difference) == (
        "2025",
        "nb_contrats_pro",
        "126",
        "129",
        3.0,
    )
    assert "tableaux ajoutés : nouvelle" in changes.summary()
    # the other way round, the table is gone
    assert history.compare(con, spec, "20261201T000000", "20261202T000000").tables_removed == ["nouvelle"]


def test_without_a_kept_previous_edition_there_is_nothing_to_compare_and_pruned_editions_are_forgotten(con):
    spec = PublicationSpec((CHIFFRES,))
    history.stage(con, spec, "20261201T000000")
    history.stage(con, spec, "20261202T000000")
    assert history.compare(con, spec, "20261202T000000", None).previous is None
    assert history.compare(con, spec, "20261202T000000", "20261130T000000").previous is None
    assert history.keep_only(con, {"20261202T000000"}) == ["20261201T000000"]
    assert history.kept(con) == {"20261202T000000"}


def test_every_dbt_test_and_every_expectation_says_what_it_protects_against():
    manifest = json.loads((DBT_PROJECT_DIR / "target" / "manifest.json").read_text(encoding="utf-8"))
    dbt = quality_report.dbt_whys(manifest)
    assert len(dbt) > 100
    assert [name for name, whys in dbt.items() if not whys] == []
    spec = load_spec(DBT_PROJECT_DIR / "target" / "manifest.json")
    gx = quality_report.gx_whys(EXPECTATIONS_DIR, spec, 5, 3)
    assert f"gx_{spec.tables[0].model}" in gx
    assert [name for name, whys in gx.items() if not whys] == []


def test_the_quality_report_keeps_counts_never_texts_that_could_quote_data():
    counts = quality_report.numeric_counts(
        {
            "expectations_evaluated": 12,
            "expectations_failed": 1,
            "failures": "- `expect_column_values_to_be_between` on `nb`: 3 (Dupont, 12 rue ...)",
            "dagster_dbt/failed_row_count": 0,
            "passed": True,
        }
    )
    assert counts == {"expectations_evaluated": 12, "expectations_failed": 1, "failed_row_count": 0}
    report = quality_report.build_report(
        [
            {"asset": "marts/x", "name": "gx_x", "passed": False, "blocking": False, "counts": counts},
            {"asset": "raw/y", "name": "counts_reconcile", "passed": True, "blocking": True, "why": "w"},
        ],
        dbt={},
        gx={"gx_x": ["why x"]},
        refused=[],
        quarantined=[{"source": "s", "path": "p", "rows_read": 3, "rows_quarantined": 2, "when": "t"}],
        since=None,
    )
    assert (report["total"], report["failed"], report["rows_quarantined"]) == (2, 1, 2)
    assert [c["why"] for c in report["checks"]] == [["why x"], ["w"]]
    assert "Dupont" not in json.dumps(report)
