"""Offers files (API bodies, arrays, NDJSON) into raw.francetravail_offres, through a real DuckDB file and
the loader the asset uses (``offers.load_range`` over the days the file holds)."""

import json
import threading
import time
from datetime import date, timedelta

import pytest
from fake_francetravail import make_offers

from orchestration.lib import offers, registry
from orchestration.lib.warehouse import connect


@pytest.fixture
def con(tmp_path):
    with connect(tmp_path / "warehouse.duckdb") as connection:
        yield connection


def load(con, path, **kwargs):
    """As the asset does for the days ``path`` holds: every offers file of its folder, one range."""
    days = offers.creation_day_range(path) or (date(2025, 1, 1), date(2025, 1, 1))
    files = offers.landed_offer_files(path.parent, con)
    result = offers.load_range(con, files, days[0], days[1] + timedelta(days=1), **kwargs)
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


# ---------------------------------------------------------------- files checked before the transaction


def load_within(seconds, con, path, **kwargs):
    """``load`` in a thread that must finish in ``seconds``: a load that loops holds the write lock."""
    outcome = {}

    def run():
        try:
            outcome["result"] = load(con, path, **kwargs)
        except BaseException as error:  # reported below, in the test's thread
            outcome["error"] = error

    worker = threading.Thread(target=run, daemon=True)
    started = time.monotonic()
    worker.start()
    worker.join(seconds)
    assert not worker.is_alive(), f"the load did not finish in {seconds} s"
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"], time.monotonic() - started


def quarantine(con):
    return con.execute(
        "select split_part(_source_file, '/', -1), _line, _reason from quarantine.francetravail_offres "
        "order by 1, 2"
    ).fetchall()


@pytest.mark.parametrize("last_id", [{"a": 1}, True, 1.5, [1, 2], None])
def test_an_ndjson_file_whose_last_id_is_not_a_string_or_a_number_loads_in_bounded_time(
    con, tmp_path, last_id
):
    good = make_offers(3, seed=11)
    path = tmp_path / "offres.ndjson"
    path.write_text("".join(json.dumps(o) + "\n" for o in [*good, dict(good[0], id=last_id)]), "utf-8")

    result, _ = load_within(30, con, path)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (4, 3, 1)
    [(name, line, reason)] = quarantine(con)
    assert (name, line) == ("offres.ndjson", 4)
    assert (
        reason == "missing id"
        if last_id is None
        else reason.startswith("id: neither a string nor an integer")
    )


def test_an_ndjson_file_whose_last_line_is_longer_than_a_megabyte_loads_in_bounded_time(con, tmp_path):
    good = make_offers(3, seed=12)
    long_last = dict(good[2], description="x" * (3 << 20))
    path = tmp_path / "offres.ndjson"
    path.write_text("".join(json.dumps(o) + "\n" for o in [*good[:2], long_last]), "utf-8")

    result, _ = load_within(60, con, path)

    assert (result.rows_loaded, result.rows_quarantined) == (3, 0)
    assert con.execute(
        "select _line from raw.francetravail_offres where length(description) > 1000000"
    ).fetchall() == [(3,)]


def test_offers_created_before_the_first_partition_or_after_the_day_of_the_load_are_quarantined(
    con, tmp_path
):
    today = date(2025, 3, 4)
    inside, before, after = make_offers(3, seed=13)
    before = dict(before, dateCreation="2023-12-31T10:00:00.000Z")
    after = dict(after, dateCreation="2025-03-05T10:00:00.000Z")  # tomorrow's offer in today's load
    path = tmp_path / "offres.ndjson"
    path.write_text("".join(json.dumps(o) + "\n" for o in (inside, before, after)), "utf-8")

    files = offers.landed_offer_files(tmp_path, con)
    result = offers.load_range(con, files, today, today + timedelta(days=1), today=today)

    assert (result.rows_read, result.rows_loaded, result.rows_quarantined) == (3, 1, 2)
    assert quarantine(con) == [
        ("offres.ndjson", 2, "dateCreation 2023-12-31: before the first partition (2024-01-01)"),
        ("offres.ndjson", 3, "dateCreation 2025-03-05: after the day of the load (2025-03-04)"),
    ]
    assert con.execute(
        "select rows_read, rows_loaded, rows_quarantined from ops.loaded_files"
    ).fetchall() == [(3, 1, 2)]
    assert result.new_days_outside_range == []  # no partition to materialise for them


@pytest.mark.parametrize(
    ("body", "what"),
    [
        ({"offres": []}, "no 'resultats'"),
        ({"resultats": {"id": "1"}}, "'resultats' is not an array"),
        (42, ""),
    ],
)
def test_a_json_file_of_an_unrecognised_shape_is_refused_naming_the_file(con, tmp_path, body, what):
    (tmp_path / "good.ndjson").write_text(json.dumps(make_offers(1, seed=14)[0]) + "\n", "utf-8")
    odd = tmp_path / "export.json"
    odd.write_text(json.dumps(body), "utf-8")
    day = date(2025, 3, 4)

    first = offers.load_range(con, offers.landed_offer_files(tmp_path, con), day, day + timedelta(days=1))
    again = offers.load_range(con, offers.landed_offer_files(tmp_path, con), day, day + timedelta(days=1))

    assert first.rows_loaded == again.rows_loaded == 1
    [(path, reason)] = first.files_refused
    assert path == str(odd) and str(odd) in reason and what in reason and "not an offers file" in reason
    assert again.files_refused == first.files_refused and str(odd) not in again.files_scanned
    ledger = con.execute("select path from ops.loaded_files").fetchall()
    assert ledger == [(str(tmp_path / "good.ndjson"),)]  # not recorded as an empty file
    assert con.execute("select path, reason from ops.refused_files").fetchall() == [(str(odd), reason)]


def test_the_latest_version_of_an_offer_wins_across_days_and_files_whatever_the_order(tmp_path):
    offer = make_offers(1, seed=15)[0]
    older = dict(offer, dateCreation="2025-03-03T10:00:00.000Z", dateActualisation="2025-03-03T10:00:00.000Z")
    newer = dict(offer, dateCreation="2025-03-04T10:00:00.000Z", dateActualisation="2025-03-06T10:00:00.000Z")
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "a.ndjson").write_text(json.dumps(newer) + "\n", "utf-8")
    (folder / "b.ndjson").write_text(json.dumps(older) + "\n", "utf-8")
    days = {"3": (date(2025, 3, 3), date(2025, 3, 4)), "4": (date(2025, 3, 4), date(2025, 3, 5))}
    for order in (("4", "3"), ("3", "4"), ("3", "4", "3")):
        with connect(tmp_path / f"w{''.join(order)}.duckdb") as con:
            for day in order:
                offers.load_range(con, offers.landed_offer_files(folder, con), *days[day])
            kept = con.execute(
                "select creation_day::varchar, date_actualisation::date::varchar from raw.francetravail_offres"
            ).fetchall()
            logged = con.execute(
                "select creation_day::varchar, rows_loaded from ops.offer_partitions order by 1"
            ).fetchall()
        assert kept == [("2025-03-04", "2025-03-06")], order
        # each day's log says what its partition holds now, also the day whose copy lost to a newer one
        assert logged == [("2025-03-03", 0), ("2025-03-04", 1)], order


def test_a_quarantined_offer_keeps_a_safe_extract_and_never_its_contact(con, tmp_path):
    contact = {
        "nom": "Mme Camille Durand",
        "coordonnees1": "12 rue des Lilas 44000 Nantes",
        "telephone": "02 40 00 00 00",
        "courriel": "camille.durand@example.org",
    }
    good, negative, no_id = (dict(o, contact=contact) for o in make_offers(3, seed=16))
    negative["nombrePostes"] = -2
    del no_id["id"]
    broken = json.dumps(dict(good, id="BROKEN"))[:-40]  # cut inside the contact: not JSON
    path = tmp_path / "offres.ndjson"
    path.write_text(
        "\n".join([json.dumps(good), json.dumps(negative), json.dumps(no_id), broken]) + "\n", "utf-8"
    )

    result = load(con, path)

    assert (result.rows_loaded, result.rows_quarantined) == (1, 3)
    assert [reason for _, _, reason in quarantine(con)] == [
        "nombrePostes: negative (-2)",
        "missing id",
        "malformed JSON",
    ]
    documents = [
        row[0] for row in con.execute("select _document from quarantine.francetravail_offres").fetchall()
    ]
    leaked = [d for d in documents for value in [*contact.values(), "Durand", "02 40"] if value in (d or "")]
    assert leaked == []
    assert json.loads(documents[0])["id"] == str(negative["id"])  # which offer it is stays readable
    assert con.execute(
        "select count(*) from raw.francetravail_offres where contact is not null"
    ).fetchone() == (1,)


def test_quarantine_rows_copied_whole_by_an_earlier_version_lose_their_contact(con):
    offers.ensure_tables(con)
    record = {"id": "OLD1", "intitule": "Aide à domicile", "contact": {"courriel": "a.b@example.org"}}
    con.executemany(
        "insert into quarantine.francetravail_offres values ('old.ndjson', ?, 'missing or invalid dateCreation', "
        "?, now(), null)",
        [[1, json.dumps(record)], [2, '{"id": "OLD2", "contact": {"telephone": "06 00 00 00 00"'], [3, None]],
    )

    offers.ensure_tables(con)  # every load starts with it

    documents = dict(con.execute("select _line, _document from quarantine.francetravail_offres").fetchall())
    assert json.loads(documents[1]) == {"id": "OLD1", "intitule": "Aide à domicile"}
    assert "06 00" not in documents[2] and documents[2].startswith('{"id": "OLD2"')
    assert documents[3] is None


def test_the_fields_withheld_from_quarantine_are_the_registrys_personal_columns_of_the_offers():
    personal = registry.source(offers.SOURCE).personal
    assert personal == offers.PERSONAL and "contact" in personal
    raw_columns = {name for name, _, _ in offers.RAW_COLUMNS}
    # each is a raw column and a field of the offers' JSON of the same name
    assert all(name in raw_columns and name in offers.OFFER_STRUCTURE for name in personal)


def test_the_path_of_each_file_is_chosen_from_its_check_before_the_transaction(con, tmp_path):
    batch = make_offers(7, seed=17)
    (tmp_path / "clean.ndjson").write_text("".join(json.dumps(o) + "\n" for o in batch[:2]), "utf-8")
    # read_json refuses the batch of NDJSON files that holds this one: the others still go straight
    (tmp_path / "broken.ndjson").write_text(json.dumps(batch[6]) + "\n{not json\n", "utf-8")
    (tmp_path / "blank.ndjson").write_text(
        json.dumps(batch[2]) + "\n\n" + json.dumps(batch[3]) + "\n", "utf-8"
    )
    (tmp_path / "body.json").write_text(json.dumps({"resultats": batch[4:6]}), "utf-8")
    (tmp_path / "page.html").write_text("<html>", "utf-8")  # not an offers pattern: ignored
    (tmp_path / "export.json").write_text("<html>Erreur 502</html>", "utf-8")
    said = []
    day = date(2025, 3, 4)

    result = offers.load_range(
        con, offers.landed_offer_files(tmp_path, con), day, day + timedelta(days=2), log=said.append
    )

    assert sorted(said) == [
        "blank.ndjson: records",  # a blank line: record by record, to keep the line numbers
        "body.json: records",
        "broken.ndjson: records",  # a malformed line: record by record, to name it
        "clean.ndjson: fast",
        "export.json: unreadable",
    ]
    assert (result.rows_loaded, result.rows_quarantined) == (7, 2)
    assert con.execute(
        "select _line from raw.francetravail_offres where _source_file like '%blank%' order by 1"
    ).fetchall() == [
        (1,),
        (3,),
    ]


def test_a_file_changed_between_its_check_and_its_write_stops_the_load_and_writes_nothing(
    con, tmp_path, monkeypatch
):
    path = tmp_path / "day.ndjson"
    path.write_text("".join(json.dumps(o) + "\n" for o in make_offers(3, seed=18)), "utf-8")
    load(con, path)
    before = con.execute("select count(*) from raw.francetravail_offres").fetchone()[0]
    path.write_text(path.read_text("utf-8") + json.dumps(make_offers(1, seed=19)[0]) + "\n", "utf-8")
    write = offers._write

    def rewritten_meanwhile(*args):  # an operator re-sends the file while the load runs
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(make_offers(1, seed=20)[0]) + "\n")
        return write(*args)

    monkeypatch.setattr(offers, "_write", rewritten_meanwhile)
    with pytest.raises(RuntimeError, match=f"{path}: changed while it was being loaded"):
        load(con, path)
    assert con.execute("select count(*) from raw.francetravail_offres").fetchone()[0] == before
    assert con.execute("select count(*) from ops.loaded_files").fetchone()[0] == 1  # the first version only
