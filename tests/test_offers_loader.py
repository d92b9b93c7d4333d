"""Offers files (API bodies, arrays, NDJSON) into raw.francetravail_offres, through a real DuckDB file and
the loader the asset uses (``offers.load_range`` over the days the file holds)."""

import json
from datetime import date, timedelta

import pytest
from fake_francetravail import make_offers

from orchestration.lib import offers
from orchestration.lib.warehouse import connect


@pytest.fixture
def con(tmp_path):
    with connect(tmp_path / "warehouse.duckdb") as connection:
        yield connection


def load(con, path):
    """As the asset does for the days ``path`` holds: every offers file of its folder, one range."""
    days = offers.creation_day_range(path) or (date(2025, 1, 1), date(2025, 1, 1))
    files = offers.landed_offer_files(path.parent, con)
    result = offers.load_range(con, files, days[0], days[1] + timedelta(days=1))
    assert result.rows_read == result.rows_loaded + result.rows_superseded + result.rows_quarantined
    return result


def test_ndjson_with_bad_lines_loads_the_rest_and_quarantines_with_line_and_reason(con, tmp_path):
    good = make_offers(5, seed=1)
    lines = [json.dumps(good[0]), json.dumps(good[1]), "{not json", "", json.dumps({"intitule": "sans id"})]
    lines += [json.dumps(o) for o in good[2:]]
    path = tmp_path / "offres.ndjson"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = load(con, path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (7, 5, 2)
    assert result.rows_read == result.rows_loaded + result.rows_quarantined
    quarantined = con.execute(
        "select _source_file, _line, _reason from quarantine.francetravail_offres order by _line"
    ).fetchall()
    assert quarantined == [(str(path), 3, "malformed JSON"), (str(path), 5, "missing id")]
    ids = {row[0] for row in con.execute("select id from raw.francetravail_offres").fetchall()}
    assert ids == {str(o["id"]) for o in good}


def test_api_body_and_array_files_load_with_record_numbers(con, tmp_path):
    batch = make_offers(6, seed=2)
    body = tmp_path / "offres.json"
    body.write_text(json.dumps({"resultats": batch[:3], "filtresPossibles": []}), encoding="utf-8")
    array = tmp_path / "array.json"
    array.write_text(json.dumps(batch[3:]), encoding="utf-8")

    assert load(con, body).rows_loaded == 6  # both files hold the same day: the day is loaded from both
    lines = con.execute(
        "select split_part(_source_file, '/', -1), _line from raw.francetravail_offres order by 1, 2"
    ).fetchall()
    assert lines == [("array.json", n) for n in (1, 2, 3)] + [("offres.json", n) for n in (1, 2, 3)]


def test_partner_offers_with_numeric_ids_and_sparse_fields_load(con, tmp_path):
    partner = {
        "id": 7269425,
        "intitule": "Aide à domicile H/F",
        "dateCreation": "2025-03-04T08:00:00.000Z",
        "dateActualisation": "2025-03-04T08:00:00.000Z",
        "lieuTravail": {"libelle": "44 - NANTES", "codePostal": "44000"},
        "entreprise": {},
        "salaire": {},
        "typeContrat": "CDI",
        "origineOffre": {"origine": "2", "partenaires": [{"nom": "HELLOWORK"}]},
    }
    path = tmp_path / "partner.ndjson"
    path.write_text(json.dumps(partner) + "\n", encoding="utf-8")

    assert load(con, path).rows_loaded == 1
    row = con.execute(
        "select id, origine_offre, entreprise_nom, latitude, creation_day::varchar from raw.francetravail_offres"
    ).fetchone()
    assert row == ("7269425", "2", None, None, "2025-03-04")


def test_an_updated_offer_keeps_its_latest_version_whatever_the_load_order(con, tmp_path):
    offer = make_offers(1, seed=3)[0]
    newer = dict(offer, intitule="Intitulé mis à jour", dateActualisation="2099-01-01T00:00:00.000Z")
    (tmp_path / "a.ndjson").write_text(json.dumps(newer) + "\n", encoding="utf-8")
    (tmp_path / "b.ndjson").write_text(json.dumps(offer) + "\n", encoding="utf-8")

    load(con, tmp_path / "a.ndjson")
    load(con, tmp_path / "b.ndjson")  # older version arrives later: ignored

    assert con.execute("select count(*), any_value(intitule) from raw.francetravail_offres").fetchone() == (
        1,
        "Intitulé mis à jour",
    )


def test_creation_day_is_the_paris_calendar_day(con, tmp_path):
    offer = dict(make_offers(1, seed=4)[0], dateCreation="2025-03-03T23:30:00.000Z")
    (tmp_path / "o.ndjson").write_text(json.dumps(offer) + "\n", encoding="utf-8")
    load(con, tmp_path / "o.ndjson")
    assert con.execute("select creation_day::varchar from raw.francetravail_offres").fetchone() == (
        "2025-03-04",
    )


def test_line_numbers_follow_the_file_order_on_a_large_file(con, tmp_path):
    many = make_offers(30000, seed=5)
    path = tmp_path / "big.ndjson"
    with path.open("w", encoding="utf-8") as handle:
        for i, offer in enumerate(many, start=1):
            handle.write(json.dumps(dict(offer, id=f"L{i}")) + "\n")
    load(con, path)
    mismatches = con.execute(
        "select count(*) from raw.francetravail_offres where id <> 'L' || _line::varchar"
    ).fetchone()[0]
    assert mismatches == 0
