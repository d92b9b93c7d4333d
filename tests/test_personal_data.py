"""Personal columns leave raw after OBS_PERSONAL_DATA_DAYS: contacts become NULL, birth dates the date that
gives the same age at contract start (what staging reads stays the same)."""

from datetime import UTC, date, datetime, timedelta

from orchestration.lib.personal_data import forget_personal_data
from orchestration.lib.warehouse import connect

AGE = (
    "year(date_debut) - year(date_naissance) "
    "- case when strftime(date_debut, '%m%d') < strftime(date_naissance, '%m%d') then 1 else 0 end"
)


def test_old_rows_lose_their_personal_columns_and_keep_their_ages(tmp_path):
    now = datetime(2026, 12, 1, tzinfo=UTC)
    with connect(tmp_path / "w.duckdb", timeout=5) as con:
        con.execute(
            "create table raw.uniformation_contrats (num_contrat varchar, date_debut date, date_naissance date, "
            "_loaded_at timestamptz)"
        )
        con.execute(
            "create table raw.francetravail_offres (id varchar, contact json, _loaded_at timestamptz)"
        )
        old, recent = now - timedelta(days=100), now - timedelta(days=2)
        con.executemany(
            "insert into raw.uniformation_contrats values (?, ?, ?, ?)",
            [
                ["a", date(2024, 2, 29), date(2001, 3, 1), old],
                ["b", date(2024, 9, 1), date(1990, 12, 31), old],
                ["c", None, date(1999, 1, 1), old],
                ["d", date(2025, 1, 1), date(2000, 6, 15), recent],
            ],
        )
        con.executemany(
            "insert into raw.francetravail_offres values (?, ?, ?)",
            [["1", '{"nom": "Mme X", "courriel": "x@example.org"}', old], ["2", '{"nom": "Y"}', recent]],
        )
        ages_before = con.execute(
            f"select num_contrat, {AGE} from raw.uniformation_contrats order by 1"
        ).fetchall()

        changed = forget_personal_data(con, 30, now)
        assert changed == {
            "raw.francetravail_offres.contact": 1,
            "raw.uniformation_contrats.date_naissance": 3,
        }
        assert forget_personal_data(con, 30, now) == {
            "raw.francetravail_offres.contact": 0,
            "raw.uniformation_contrats.date_naissance": 0,
        }
        ages_after = con.execute(
            f"select num_contrat, {AGE} from raw.uniformation_contrats order by 1"
        ).fetchall()
        births = dict(
            con.execute("select num_contrat, date_naissance from raw.uniformation_contrats").fetchall()
        )
        contacts = dict(con.execute("select id, contact from raw.francetravail_offres").fetchall())
    assert ages_after == ages_before
    assert births["a"] == date(2002, 2, 28) and births["b"] == date(1991, 9, 1) and births["c"] is None
    assert births["d"] == date(2000, 6, 15)  # loaded 2 days ago: kept
    assert contacts["1"] is None and contacts["2"] is not None
    assert forget_personal_data(None, None) == {}  # unset: kept
