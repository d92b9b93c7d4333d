"""The registry of sources is the one place a source is declared: the assets, the sensor's watch list,
the reconciliation checks and the dbt staging sources all follow it."""

import dagster as dg
import pytest

from orchestration.lib import offers
from orchestration.lib.registry import SOURCES, dbt_sources_files, main, source
from orchestration.settings import DBT_PROJECT_DIR

STAGING = DBT_PROJECT_DIR / "models" / "staging"


@pytest.fixture(scope="module")
def graph():
    from orchestration.definitions import defs

    return defs.resolve_asset_graph()


def test_the_committed_dbt_sources_are_those_the_registry_generates():
    for path, text in dbt_sources_files(STAGING).items():
        assert path.is_file(), f"{path} missing: run `python -m orchestration.lib.registry`"
        assert path.read_text(encoding="utf-8") == text, (
            f"{path.relative_to(DBT_PROJECT_DIR)} differs from the registry: run `python -m orchestration.lib.registry`"
        )
    assert main(["--check"]) == 0


def test_the_generated_sources_carry_the_key_tests_and_mark_personal_columns():
    files = {path.parent.name: text for path, text in dbt_sources_files(STAGING).items()}
    assert "- name: contact\n            data_type: json\n" in files["francetravail"]
    assert "meta: {personal: true}" in files["francetravail"]
    assert "- name: date_naissance" in files["uniformation"]
    organismes = files["dgefp"].split("- name: nda\n", 1)[1]
    assert organismes.splitlines()[1].strip() == "data_tests: [unique, not_null]"
    assert "columns: [annee, siret]" in files["uniformation"]


def test_every_source_has_its_asset_and_its_blocking_reconciliation_check(graph):
    checks = {
        key.asset_key: graph.get_check_spec(key)
        for key in graph.asset_check_keys
        if key.name == "counts_reconcile"
    }
    for src in SOURCES:
        key = dg.AssetKey(["raw", src.name])
        assert graph.get(key).is_materializable, src.name
        assert checks[key].blocking, src.name
    assert len(checks) == len(SOURCES)


def test_the_sensor_watches_every_source_of_the_registry(tmp_path):
    from orchestration.defs.automation.sensors import scan_landing

    for src in SOURCES:
        (tmp_path / src.folder).mkdir(exist_ok=True)
        name = src.patterns[0].replace("*", "_2026")
        (tmp_path / src.folder / name).write_text(f"{src.name}\n", encoding="utf-8")

    new, _ = scan_landing(tmp_path, tmp_path / "data", {}, now=2e9)

    assert sorted(f.source for f in new) == sorted(s.name for s in SOURCES)


def test_the_offers_loader_reads_the_registrys_patterns():
    offres = source("francetravail_offres")
    assert offres.patterns == offers.FILE_PATTERNS
    assert offres.name == offers.SOURCE
    assert ("contact", "json") in offres.columns()


def test_personal_columns_are_raw_columns_of_their_source():
    for src in SOURCES:
        names = {name for name, _ in src.columns()}
        assert set(src.personal) <= names, src.name
        assert set(src.key) <= names, src.name
