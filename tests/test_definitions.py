"""The code location as an engineer sees it in the Dagster UI: groups, descriptions, lineage, schedule."""

import dagster as dg
import pytest


@pytest.fixture(scope="module")
def defs():
    from orchestration.definitions import defs

    return defs


@pytest.fixture(scope="module")
def graph(defs):
    return defs.resolve_asset_graph()


def test_every_asset_has_a_group_and_a_description(graph):
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.group_name and node.group_name != "default", f"{key.to_user_string()} has no group"
        assert node.description, f"{key.to_user_string()} has no description"


def test_asset_keys_operators_script_against_exist(graph):
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    for key in (
        "raw/francetravail_offres",
        "raw/uniformation_contrats",
        "raw/uniformation_adherents",
        "raw/region_agrements",
        "publication/edition",
    ):
        assert key in keys


def test_no_orphan_source_every_asset_is_materialisable(graph):
    external = [k.to_user_string() for k in graph.get_all_asset_keys() if not graph.get(k).is_materializable]
    assert external == [], f"dbt sources not produced by an ingestion asset: {external}"


def test_lineage_connects_ingestion_to_dbt_to_publication(graph):
    edition = dg.AssetKey(["publication", "edition"])
    ancestors = set()
    frontier = [edition]
    while frontier:
        key = frontier.pop()
        for parent in graph.get(key).parent_keys:
            if parent not in ancestors:
                ancestors.add(parent)
                frontier.append(parent)
    names = {k.to_user_string() for k in ancestors}
    for raw in (
        "raw/francetravail_offres",
        "raw/uniformation_contrats",
        "raw/uniformation_adherents",
        "raw/region_agrements",
        "raw/organismes_formation",
        "raw/ref_communes",
    ):
        assert raw in names, f"{raw} does not reach the publication"
    assert "staging/stg_francetravail__offres" in names
    assert "marts/portrait_chiffres_cles" in names
    assert "marts/fiche_offres_mensuel" in names
    assert "audit/audit_secret__cellules" in names and "publication/pub_fiche_contrats_pro" in names
    groups = {graph.get(k).group_name for k in ancestors}
    assert {"ingestion", "referentiels", "staging", "intermediate", "marts", "audit", "publication"} <= groups


def test_marts_carry_blocking_quality_checks_and_dbt_tests(graph):
    checks = {key.name: graph.get_check_spec(key) for key in graph.asset_check_keys}
    assert checks["gx_portrait_chiffres_cles"].blocking
    assert checks["gx_fiche_offres_mensuel"].blocking
    assert any(name.startswith("unique_combination_portrait_chiffres_cles") for name in checks)
    # the secret statistique: every publication model has its suite, every relation its dbt test
    assert checks["gx_pub_portrait_contrats_par_branche"].blocking
    assert "assert_secret_relations_protect_every_hidden_cell" in checks


def test_nightly_schedule_refreshes_everything_at_two_in_paris(defs):
    schedule = defs.resolve_schedule_def("nightly_refresh")
    assert schedule.cron_schedule == "0 2 * * *"
    assert schedule.execution_timezone == "Europe/Paris"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    job = defs.resolve_job_def("refresh_all")
    assert dg.AssetKey(["publication", "edition"]) in job.asset_layer.selected_asset_keys
    assert dg.AssetKey(["raw", "francetravail_offres"]) in job.asset_layer.selected_asset_keys


def test_loading_the_code_location_does_not_import_great_expectations():
    """GX costs seconds to import: the checks import it when they run, never when the UI loads the code."""
    import subprocess
    import sys

    code = "import sys, orchestration.definitions; print('great_expectations' in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.strip() == "False"
