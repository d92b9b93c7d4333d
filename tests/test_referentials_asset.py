"""The referentials asset, materialised on a temporary warehouse: the official files shipped in
seeds/reference/official by default, the newer releases of OBS_REFERENCE_DIR when it is set, the curated
seeds for the branches, certifications and fiches; all replaced in one transaction."""

import json
import shutil

import dagster as dg
import duckdb
import pytest

from orchestration.defs.ingest.referentiels import referentiels
from orchestration.lib.referentials import REFERENTIALS
from orchestration.settings import OFFICIAL_REFERENCE_DIR, REFERENCE_SEEDS_DIR, SAMPLE_LANDING_DIR


def materialize(tmp_path, monkeypatch, reference_dir=None, **kwargs):
    monkeypatch.setenv("OBS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("OBS_WAREHOUSE", str(tmp_path / "data" / "warehouse.duckdb"))
    if reference_dir is None:
        monkeypatch.delenv("OBS_REFERENCE_DIR", raising=False)
    else:
        monkeypatch.setenv("OBS_REFERENCE_DIR", str(reference_dir))
    result = dg.materialize([referentiels], **kwargs)
    metadata = {
        e.asset_key.path[-1]: {k: v.value for k, v in e.materialization.metadata.items()}
        for e in result.get_asset_materialization_events()
    }
    return result, metadata


@pytest.fixture(scope="module")
def shipped(tmp_path_factory):
    """The referentials of a fresh clone: nothing configured."""
    root = tmp_path_factory.mktemp("shipped")
    with pytest.MonkeyPatch.context() as mp:
        result, metadata = materialize(root, mp)
        assert result.success
        with duckdb.connect(str(root / "data" / "warehouse.duckdb"), read_only=True) as con:
            yield con, metadata


def test_the_official_files_shipped_serve_by_default(shipped):
    con, metadata = shipped
    counts = {name: con.execute(f"select count(*) from raw.{name}").fetchone()[0] for name in REFERENTIALS}
    assert counts["ref_rome_codes"] == 1584
    assert counts["ref_communes"] == 1228
    assert counts["ref_departements"] == 101
    for name in ("ref_rome_codes", "ref_communes", "ref_departements"):
        assert metadata[name]["served_by"] == "official files shipped (seeds/reference/official)"
    for name in ("ref_branches", "ref_certifications", "ref_fiches_metiers"):
        assert metadata[name]["served_by"] == "curated seed"
        assert counts[name] > 0
    for name, columns in REFERENTIALS.items():
        assert [r[0] for r in con.execute(f"describe raw.{name}").fetchall()] == columns


def sample_offers() -> list[dict]:
    offers = []
    for path in sorted((SAMPLE_LANDING_DIR / "francetravail").iterdir()):
        if path.suffix == ".ndjson":
            offers += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
        else:
            body = json.loads(path.read_text(encoding="utf-8"))
            offers += body["resultats"] if isinstance(body, dict) else body
    return offers


def test_the_sample_offers_communes_and_rome_codes_resolve_with_the_official_files(shipped):
    con, _ = shipped
    offers = sample_offers()
    communes = {o["lieuTravail"]["commune"]: o["lieuTravail"]["libelle"] for o in offers}
    known = dict(con.execute("select code_commune, code_zone_emploi from raw.ref_communes").fetchall())
    departements = {d for (d,) in con.execute("select code_departement from raw.ref_departements").fetchall()}
    outside = {code: label for code, label in communes.items() if code not in known}
    # The shipped COG extract covers the région: the few communes of offers outside it (La Rochelle, Redon,
    # Rennes, Vannes, Paris, Niort) are located by the département of their label, which is known.
    assert all(not code.startswith(("44", "49", "53", "72", "85")) for code in outside), outside
    assert all(label.split(" - ")[0] in departements for label in outside.values()), outside
    assert all(known[code] for code in communes if code in known)  # each has its zone d'emploi
    romes = {code for (code,) in con.execute("select code_rome from raw.ref_rome_codes").fetchall()}
    assert {o["romeCode"] for o in offers} - romes == set()


def test_communes_left_without_a_zone_emploi_are_reported_on_the_asset(shipped):
    _, metadata = shipped
    communes = metadata["ref_communes"]
    assert communes["communes_without_zone_emploi"] == 2
    assert "85165" in communes["communes_without_zone_emploi_list"]
    assert "85212" in communes["communes_without_zone_emploi_list"]
    # The renumbered commune takes its predecessor's zone, and the warning says so.
    assert "49126" in communes["warnings"] and "renumbered" in communes["warnings"]


def test_each_fiche_metier_code_has_its_rome_4_children_through_code_rome_parent(shipped):
    con, _ = shipped
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


def test_obs_reference_dir_points_to_a_newer_release(tmp_path, monkeypatch):
    newer = tmp_path / "reference"
    shutil.copytree(OFFICIAL_REFERENCE_DIR / "cog", newer / "cog")
    rome = (OFFICIAL_REFERENCE_DIR / "rome" / "unix_referentiel_code_rome_v460_utf8.csv").read_text(
        encoding="utf-8"
    )
    (newer / "rome").mkdir()
    (newer / "rome" / "unix_referentiel_code_rome_v461_utf8.csv").write_text(
        rome.replace("Conducteur / Conductrice d'engins agricoles", "Conducteur d'engins agricoles (v61)"),
        encoding="utf-8",
    )

    result, metadata = materialize(tmp_path, monkeypatch, newer)

    assert result.success
    assert metadata["ref_rome_codes"]["served_by"] == f"official files of OBS_REFERENCE_DIR ({newer})"
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True) as con:
        (label,) = con.execute(
            "select libelle_rome from raw.ref_rome_codes where code_rome = 'A1101'"
        ).fetchone()
    assert label == "Conducteur d'engins agricoles (v61)"


def test_a_failure_mid_way_leaves_the_previous_version_of_every_table(tmp_path, monkeypatch):
    from orchestration.lib import warehouse

    assert materialize(tmp_path, monkeypatch)[0].success
    real_insert = warehouse.insert_rows

    def insert_failing_on_communes(con, table, columns, rows):
        if table == "raw.ref_communes":
            raise OSError("disk full")
        return real_insert(con, table, columns, rows)

    monkeypatch.setattr(warehouse, "insert_rows", insert_failing_on_communes)
    newer = tmp_path / "reference"
    shutil.copytree(OFFICIAL_REFERENCE_DIR, newer)
    rome = newer / "rome" / "unix_referentiel_code_rome_v460_utf8.csv"
    rome.write_text("\n".join(rome.read_text(encoding="utf-8").splitlines()[:11]) + "\n", encoding="utf-8")

    result, _ = materialize(tmp_path, monkeypatch, newer, raise_on_error=False)

    assert not result.success
    with duckdb.connect(str(tmp_path / "data" / "warehouse.duckdb"), read_only=True) as con:
        counts = {
            name: con.execute(f"select count(*) from raw.{name}").fetchone()[0] for name in REFERENTIALS
        }
    # the ROME table replaced before the failure was rolled back with the rest
    assert (counts["ref_rome_codes"], counts["ref_communes"]) == (1584, 1228)
