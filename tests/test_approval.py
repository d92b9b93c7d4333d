"""Review mode: an analyst approves an edition from the Dagster UI (the job the launchpad runs)."""

from __future__ import annotations

import os

import dagster as dg
import pytest
from test_editions import make_edition

from orchestration.defs.publish.approval import approve_edition
from orchestration.lib import editions


@pytest.fixture
def publication(tmp_path, monkeypatch):
    publication = tmp_path / "publication"
    monkeypatch.setenv("OBS_PUBLICATION_DIR", str(publication))
    make_edition(publication, "20261201T021500")
    editions.publish(publication, "20261201T021500")
    make_edition(publication, "20261202T021500")
    editions.publish(publication, "20261202T021500", review_mode=True)
    return publication


def launch(edition_id: str) -> dg.ExecuteInProcessResult:
    with dg.DagsterInstance.ephemeral() as instance:
        return approve_edition.execute_in_process(
            run_config={"ops": {"approve": {"config": {"edition": edition_id}}}},
            instance=instance,
            raise_on_error=False,
        )


def test_approving_from_the_ui_puts_the_edition_online_and_links_its_pages(publication):
    result = launch("20261202T021500")

    assert result.success
    assert os.readlink(publication / "latest") == "editions/20261202T021500"
    assert not (publication / "preview").is_symlink()
    output = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_OUTPUT)
    metadata = output.step_output_data.metadata
    assert (
        metadata["approved_edition"].value == (publication / "editions/20261202T021500/index.html").as_uri()
    )
    assert "[index.html](file://" in metadata["pages"].value
    observations = [e for e in result.all_events if e.event_type == dg.DagsterEventType.ASSET_OBSERVATION]
    assert observations[0].asset_key == dg.AssetKey(["publication", "edition"])


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("2026-12-02", "'2026-12-02' is not an edition id"),
        ("20261203T021500", "no edition 20261203T021500"),
    ],
)
def test_a_wrong_id_fails_the_run_with_a_clear_message_and_changes_nothing(publication, given, reason):
    result = launch(given)

    assert not result.success
    failure = next(e for e in result.all_events if e.event_type == dg.DagsterEventType.STEP_FAILURE)
    message = failure.step_failure_data.user_failure_data.description
    assert message.startswith(f"Edition not approved: {reason}")
    assert "awaiting approval (preview): 20261202T021500; online (latest): 20261201T021500" in message
    assert os.readlink(publication / "latest") == "editions/20261201T021500"


def test_the_code_location_loads_and_offers_the_approval_job():
    from orchestration.definitions import defs

    dg.Definitions.validate_loadable(defs)  # as the webserver loads it (names unique across jobs and ops)
    job = defs.resolve_job_def("approve_edition")  # listed under Jobs in the UI
    assert [node.name for node in job.nodes] == ["approve"]
