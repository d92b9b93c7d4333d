"""The referentials asset, materialised on a temporary warehouse: the official files of
``../shared/reference`` when OBS_REFERENCE_DIR points there, the curated seeds otherwise, same columns."""

import dagster as dg
import duckdb
import pytest

from orchestration.defs.ingest.referentiels import REFERENTIALS, referentiels
from orchestration.settings import PROJECT_ROOT, REFERENCE_SEEDS_DIR

REFERENCE = PROJECT_ROOT.parent / "shared" / "reference"
needs_reference = pytest.mark.skipif(
    not REFERENCE.is_dir(),
    reason=f"official referential files not found at {REFERENCE} (only on the project's build machine)",
)


def materialize(tmp_path, monkeypatch, reference_dir):
    monkeypatch.setenv("OBS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OBS_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    if reference_dir is None:
        monkeypatch.delenv("OBS_REFERENCE_DIR", raising=False)
    else:
        monkeypatch.setenv("OBS_REFERENCE_DIR", str(reference_dir))
    result = dg.materialize([referentiels])
    assert result.success
    metadata = {
        e.asset_key.path[-1]: {k: v.value for k, v in e.materialization.metadata.items()}
        for e in result.get_asset_materialization_events()
    }
    return duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True), metadata


@pytest.fixture(scope="module")
def official(tmp_path_factory):
    if not REFERENCE.is_dir():
        pytest.skip(f"official referential files not found at {REFERENCE}")
    with pytest.MonkeyPatch.context() as mp:
        con, metadata = materialize(tmp_path_factory.mktemp("official"), mp, REFERENCE)
        yield con, metadata
        con.close()


@needs_reference
def test_the_official_files_serve_when_obs_reference_dir_is_set(official):
    con, metadata = official
    counts = {name: con.execute(f"select count(*) from raw.{name}").fetchone()[0] for name in REFERENTIALS}
    assert counts["ref_rome_codes"] == 1584
    assert counts["ref_communes"] == 1228
    for name in ("ref_rome_codes", "ref_communes", "ref_departements"):
        assert metadata[name]["served_by"] == "official files (OBS_REFERENCE_DIR)"
    # The rest always comes from the curated seeds.
    assert metadata["ref_fiches_metiers"]["served_by"] == "curated seed"


@needs_reference
def test_every_commune_of_the_sample_resolves_to_a_departement_and_a_zone_emploi(official):
    con, _ = official
    unresolved = con.execute(
        f"""
        select s.code_commune, s.libelle_commune
        from read_csv('{REFERENCE_SEEDS_DIR / "communes.csv"}', all_varchar = true) as s
        left join raw.ref_communes as c using (code_commune)
        left join raw.ref_departements as d on d.code_departement = c.code_departement
        where s.code_region = '52'
          and (c.code_zone_emploi is null or d.libelle_departement is null)
        """
    ).fetchall()
    assert unresolved == []
    (sample,) = con.execute(
        f"select count(*) from read_csv('{REFERENCE_SEEDS_DIR / 'communes.csv'}', all_varchar = true) "
        "where code_region = '52'"
    ).fetchone()
    assert sample > 50


@needs_reference
def test_communes_left_without_a_zone_emploi_are_reported_on_the_asset(official):
    _, metadata = official
    communes = metadata["ref_communes"]
    assert communes["communes_without_zone_emploi"] == 2
    assert "85165" in communes["communes_without_zone_emploi_list"]
    assert "85212" in communes["communes_without_zone_emploi_list"]
    # The renumbered commune takes its predecessor's zone, and the warning says so.
    assert "49126" in communes["warnings"] and "renumbered" in communes["warnings"]


@needs_reference
def test_the_departements_of_offers_outside_the_region_stay_known(official):
    con, metadata = official
    regions = dict(con.execute("select code_departement, code_region from raw.ref_departements").fetchall())
    assert {d: regions.get(d) for d in ("35", "75", "56", "79", "44")} == {
        "35": "53",
        "75": "11",
        "56": "53",
        "79": "75",
        "44": "52",
    }
    assert "the most complete" in metadata["ref_departements"]["warnings"]


@needs_reference
def test_each_fiche_metier_code_has_its_rome_4_children_through_code_rome_parent(official):
    con, _ = official
    orphans = con.execute(
        f"""
        select distinct f.code_rome
        from read_csv('{REFERENCE_SEEDS_DIR / "fiches_metiers.csv"}', all_varchar = true) as f
        where not exists (
            select 1 from raw.ref_rome_codes r where f.code_rome in (r.code_rome, r.code_rome_parent)
        )
        """
    ).fetchall()
    assert orphans == []


def test_the_curated_seeds_serve_otherwise_with_the_same_columns(tmp_path, monkeypatch):
    con, metadata = materialize(tmp_path, monkeypatch, None)
    with con:
        for name, columns in REFERENTIALS.items():
            assert metadata[name]["served_by"] == "curated seed"
            got = [r[0] for r in con.execute(f"describe raw.{name}").fetchall()]
            assert got == columns
            assert con.execute(f"select count(*) from raw.{name}").fetchone()[0] > 0
