"""Offers by creation day: a range of days replaces its rows, each file is read once, the ledger and the
per-day log reconcile, and the incremental dbt model equals a full refresh. Real DuckDB files, real dbt."""

import json
import os
import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from fake_francetravail import make_offers

from orchestration.lib import offers
from orchestration.lib.warehouse import LandedFile, connect, landed_files, sha256_of
from orchestration.settings import DBT_PROJECT_DIR

DAY = date(2025, 3, 4)
NEXT = DAY + timedelta(days=1)


def day_offers(n, seed, day):
    # noon UTC keeps every offer on the same Paris calendar day
    start = datetime(day.year, day.month, day.day, 6, tzinfo=UTC)
    return make_offers(n, seed=seed, start=start, end=start + timedelta(hours=12))


def write_ndjson(path, records):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records), "utf-8")
    return path


def files_in(folder):
    return landed_files(folder, offers.FILE_PATTERNS)


def rows(con, sql, params=None):
    return con.execute(sql, params or []).fetchall()


@pytest.fixture
def warehouse(tmp_path):
    return tmp_path / "warehouse.duckdb"


@pytest.fixture
def landing(tmp_path):
    folder = tmp_path / "landing"
    # one file spans two days; a second holds the next day only, with a malformed line and an undated record
    write_ndjson(folder / "a.ndjson", day_offers(40, 1, DAY) + day_offers(30, 2, NEXT))
    write_ndjson(
        folder / "b.ndjson", [*day_offers(20, 3, NEXT), "{broken", {"id": "X1", "intitule": "sans date"}]
    )
    return folder


def test_a_partition_loaded_twice_holds_the_same_rows(warehouse, landing):
    with connect(warehouse) as con:
        first = offers.load_range(con, files_in(landing), DAY, NEXT)
        snapshot = rows(con, "select * exclude (_loaded_at) from raw.francetravail_offres order by id")
        second = offers.load_range(con, files_in(landing), DAY, NEXT)
        again = rows(con, "select * exclude (_loaded_at) from raw.francetravail_offres order by id")
    assert first.rows_loaded == second.rows_loaded == 40
    assert again == snapshot
    assert {r[5] for r in snapshot} == {DAY}  # creation_day: only the partition's day


def test_a_range_reads_each_file_once_and_counts_reconcile(warehouse, landing):
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(landing), DAY, NEXT + timedelta(days=1))
        per_day = rows(
            con,
            "select creation_day, rows_read, rows_loaded, rows_quarantined, origin from ops.offer_partitions "
            "order by creation_day",
        )
        ledger = rows(
            con, "select path, rows_read, rows_loaded, rows_quarantined from ops.loaded_files order by path"
        )
        quarantined = rows(
            con, "select _source_file, _line, _reason from quarantine.francetravail_offres order by 2"
        )
    assert len(load.files_scanned) == 2
    assert (load.rows_read, load.rows_loaded, load.rows_quarantined, load.rows_superseded) == (92, 90, 2, 0)
    assert load.rows_read == load.rows_loaded + load.rows_superseded + load.rows_quarantined
    assert per_day == [(DAY, 40, 40, 0, "landing"), (NEXT, 50, 50, 0, "landing")]
    assert ledger == [(str(landing / "a.ndjson"), 70, 70, 0), (str(landing / "b.ndjson"), 22, 20, 2)]
    assert quarantined == [
        (str(landing / "b.ndjson"), 21, "malformed JSON"),
        (str(landing / "b.ndjson"), 22, "missing or invalid dateCreation"),
    ]


def test_a_day_reads_only_the_files_holding_it_and_undated_records_are_quarantined_once(warehouse, landing):
    with connect(warehouse) as con:
        offers.load_range(con, files_in(landing), DAY, NEXT + timedelta(days=1))
        only_first_day = offers.load_range(con, files_in(landing), DAY, NEXT)
        offers.load_range(con, files_in(landing), NEXT, NEXT + timedelta(days=1))
        empty_day = offers.load_range(con, files_in(landing), date(2025, 6, 1), date(2025, 6, 2))
        quarantine = rows(con, "select count(*) from quarantine.francetravail_offres")[0][0]
        ledger = rows(con, "select count(*) from ops.loaded_files")[0][0]
        logged = rows(con, "select rows_loaded from ops.offer_partitions where creation_day = '2025-06-01'")
    assert [Path(p).name for p in only_first_day.files_scanned] == ["a.ndjson"]
    assert empty_day.files_scanned == []
    assert logged == [(0,)]  # the day was loaded and had no offer
    assert quarantine == 2 and ledger == 2


def test_an_updated_offer_keeps_its_latest_version_and_a_reload_drops_what_the_source_no_longer_has(
    warehouse, tmp_path
):
    base = day_offers(10, 4, DAY)
    newer = dict(base[0], intitule="Intitulé mis à jour", dateActualisation="2099-01-01T00:00:00.000Z")
    folder = tmp_path / "landing"
    write_ndjson(folder / "1.ndjson", base)
    write_ndjson(folder / "2.ndjson", [newer])
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(folder), DAY, NEXT)
        assert load.rows_superseded == 1
        assert rows(con, "select count(*), count(distinct id) from raw.francetravail_offres") == [(10, 10)]
        assert rows(
            con, "select intitule from raw.francetravail_offres where id = ?", [str(base[0]["id"])]
        ) == [("Intitulé mis à jour",)]
        # an API fetch of the day replaces the day: 9 offers now
        fetched = write_ndjson(tmp_path / "api" / "day.ndjson", base[1:])
        offers.load_range(con, [LandedFile(fetched, sha256_of(fetched))], DAY, NEXT, origin="api")
        assert rows(con, "select count(*) from raw.francetravail_offres") == [(9,)]


def test_partner_offers_with_numeric_ids_and_sparse_fields_load_in_their_partition(warehouse, tmp_path):
    partner = {
        "id": 7269425,
        "intitule": "Aide à domicile H/F",
        "dateCreation": "2025-03-03T23:30:00.000Z",  # 00:30 in Paris: the 4th
        "dateActualisation": "2025-03-04T08:00:00.000Z",
        "lieuTravail": {"libelle": "44 - NANTES"},
        "entreprise": {},
        "salaire": {},
        "contact": {},
        "origineOffre": {"origine": "2", "partenaires": [{"nom": "HELLOWORK", "url": "https://x.invalid"}]},
    }
    folder = tmp_path / "landing"
    write_ndjson(folder / "partner.ndjson", [partner])
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(folder), DAY, NEXT)
        row = rows(con, "select id, origine_offre, entreprise_nom, latitude from raw.francetravail_offres")
    assert load.rows_loaded == 1
    assert row == [("7269425", "2", None, None)]


# ---------------------------------------------------------------- dbt: incremental == full refresh


def dbt(args, env):
    completed = subprocess.run(
        [str(Path(sys.executable).parent / "dbt"), *args],
        cwd=DBT_PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert completed.returncode == 0, completed.stdout[-3000:]


# The offers models incremental by creation day: the offers and their daily counts by territory.
OFFERS_MODELS = ["int_offres__enrichies", "int_offres__territoires_jour", "int_offres__repartitions_jour"]
# The offers marts add up the daily counts; here is what they meant when they read every offer.
OFFERS_MARTS = {
    "fiche_offres_mensuel": ("fiche_id", "mois_creation"),
    "fiche_offres_annuel": ("fiche_id", "annee_creation"),
    "portrait_offres_mensuel": (None, "mois_creation"),
    "portrait_offres_annuel": (None, "annee_creation"),
}
TERRITORIES = """
    cross join unnest([
        {'niveau_territoire': 'region', 'code_territoire': '52', 'libelle_territoire': cast(null as varchar)},
        {'niveau_territoire': 'departement', 'code_territoire': coalesce(code_departement, 'inconnu'),
         'libelle_territoire': libelle_departement},
        {'niveau_territoire': 'zone_emploi', 'code_territoire': coalesce(code_zone_emploi, 'inconnu'),
         'libelle_territoire': libelle_zone_emploi}
    ]) as u(t)
"""
OFFERS = "(select * from intermediate.int_offres__enrichies where est_dans_region and fiche_id <> 'autre')"


def offers_mart_from_offers(fiche: str | None, period: str) -> str:
    keys = ", ".join(k for k in (fiche, "t.niveau_territoire", "t.code_territoire", period) if k)
    alias = "mois" if period.startswith("mois") else "annee"
    return f"""
        select {fiche + "," if fiche else ""} t.niveau_territoire, t.code_territoire,
            any_value(t.libelle_territoire) as libelle_territoire, {period} as {alias},
            count(*) as nb_offres, count(*) filter (where est_offre_du_secteur) as nb_offres_secteur,
            cast(sum(nombre_postes) as bigint) as nb_postes,
            count(*) filter (where type_contrat = 'CDI') as nb_offres_cdi,
            count(*) filter (where type_contrat = 'CDD') as nb_offres_cdd,
            count(*) filter (where type_contrat = 'CDD' and duree_contrat_mois >= 6) as nb_offres_cdd_6_mois_plus,
            count(*) filter (where type_contrat = 'MIS') as nb_offres_interim,
            count(*) filter (where type_contrat = 'SAI') as nb_offres_saisonnier,
            count(*) filter (where type_contrat is null or type_contrat not in ('CDI', 'CDD', 'MIS', 'SAI'))
                as nb_offres_autres_contrats,
            count(*) filter (where est_temps_plein) as nb_offres_temps_plein,
            count(*) filter (where not est_temps_plein) as nb_offres_temps_partiel,
            count(*) filter (where est_alternance) as nb_offres_alternance,
            count(*) filter (where experience_exige = 'E') as nb_offres_experience_exigee,
            count(*) filter (where salaire_mensuel is not null) as nb_offres_salaire_renseigne,
            round(median(salaire_mensuel), 2) as salaire_mensuel_median,
            count(*) filter (where eligibilite_1e1f = 'eligible') as nb_offres_eligibles_1e1f,
            cast(coalesce(sum(nombre_postes) filter (where eligibilite_1e1f = 'eligible'), 0) as bigint)
                as nb_postes_eligibles_1e1f,
            count(*) filter (where eligibilite_1e1f = 'inconnu') as nb_offres_eligibilite_inconnue
        from {OFFERS} {TERRITORIES}
        group by {keys}
    """


REPARTITIONS_FROM_OFFERS = f"""
    select fiche_id, t.niveau_territoire, t.code_territoire, any_value(t.libelle_territoire), annee_creation,
        d.dimension, coalesce(nullif(trim(d.modalite), ''), 'inconnu') as modalite,
        coalesce(any_value(d.libelle_modalite), 'Non renseigné'), count(*)
    from {OFFERS} {TERRITORIES}
    cross join unnest([
        {{'dimension': 'secteur_naf', 'modalite': code_naf, 'libelle_modalite': secteur_activite_libelle}},
        {{'dimension': 'taille_etablissement', 'modalite': tranche_effectif_etab,
          'libelle_modalite': tranche_effectif_etab}},
        {{'dimension': 'qualification', 'modalite': qualification_code, 'libelle_modalite': qualification_libelle}},
        {{'dimension': 'experience', 'modalite': experience_exige, 'libelle_modalite': case experience_exige
            when 'D' then 'Débutant accepté' when 'S' then 'Expérience souhaitée'
            when 'E' then 'Expérience exigée' end}}
    ]) as u(d)
    group by all
"""


def with_salaries(records, first):
    # varied monthly salaries, some shared and some missing, so that medians interpolate and merge days
    return [
        dict(
            o, salaire={"libelle": f"Mensuel de {first + 37 * (i % 7)}.50 Euros sur 12 mois"} if i % 5 else {}
        )
        for i, o in enumerate(records)
    ]


@pytest.fixture(scope="module")
def incremental_offers(tmp_path_factory):
    """Offers of two days built day by day through the incremental models (the first day loaded twice,
    its source changed in between), with a copy of each incremental result in ops.incremental_<model>."""
    import dagster as dg

    from orchestration.defs.ingest.referentiels import referentiels

    tmp_path = tmp_path_factory.mktemp("incremental")
    warehouse = tmp_path / "warehouse.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("OBS_", "FRANCETRAVAIL_"))}
    env.update(OBS_DATA_DIR=str(tmp_path), OBS_WAREHOUSE=str(warehouse), OBS_REGION="52")
    with pytest.MonkeyPatch.context() as mp:
        for name in ("OBS_DATA_DIR", "OBS_WAREHOUSE", "OBS_REGION"):
            mp.setenv(name, env[name])
        mp.delenv("OBS_REFERENCE_DIR", raising=False)
        assert dg.materialize([referentiels]).success
    folder = tmp_path / "landing"
    first = with_salaries(day_offers(60, 5, DAY), 1700)
    write_ndjson(folder / "jour1.ndjson", first)
    write_ndjson(folder / "jour2.ndjson", with_salaries(day_offers(50, 6, NEXT), 1720))
    day_vars = lambda d: ["--vars", json.dumps({"min_date": str(d), "max_date": str(d + timedelta(days=1))})]  # noqa: E731

    with connect(warehouse) as con:
        offers.load_range(con, files_in(folder), DAY, NEXT)
    dbt(["run", "--select", *(f"+{m}" for m in OFFERS_MODELS), *day_vars(DAY)], env)
    with connect(warehouse) as con:
        offers.load_range(con, files_in(folder), NEXT, NEXT + timedelta(days=1))
    dbt(["run", "--select", *OFFERS_MODELS, *day_vars(NEXT)], env)
    # the first day again, its source changed: one offer gone, one updated
    (folder / "jour1.ndjson").unlink()
    write_ndjson(folder / "jour1_v2.ndjson", [dict(first[1], intitule="Nouvel intitulé"), *first[2:]])
    with connect(warehouse) as con:
        offers.load_range(con, files_in(folder), DAY, NEXT)
    dbt(["run", "--select", *OFFERS_MODELS, *day_vars(DAY)], env)
    with connect(warehouse) as con:
        for model in OFFERS_MODELS:
            con.execute(f"create table ops.incremental_{model} as select * from intermediate.{model}")
    return warehouse, env, first


def test_the_incremental_offers_models_equal_a_full_refresh(incremental_offers):
    warehouse, env, first = incremental_offers
    dbt(["run", "--select", *OFFERS_MODELS, "--full-refresh"], env)

    with connect(warehouse, read_only=True) as con:
        for model in OFFERS_MODELS:
            full, incremental = f"intermediate.{model}", f"ops.incremental_{model}"
            assert rows(con, f"select count(*) from (from {incremental} except all from {full})") == [(0,)], (
                model
            )
            assert rows(con, f"select count(*) from (from {full} except all from {incremental})") == [(0,)], (
                model
            )
        full = "intermediate.int_offres__enrichies"
        total = rows(con, f"select count(*), count(distinct offre_id) from {full}")
        renamed = rows(con, f"select intitule from {full} where offre_id = ?", [str(first[1]["id"])])
        counted = rows(
            con,
            "select sum(nb_offres), count(distinct jour_creation) from intermediate.int_offres__territoires_jour "
            "where niveau_territoire = 'region'",
        )
        in_fiches = rows(con, f"select count(*) from {full} where est_dans_region and fiche_id <> 'autre'")
    assert total == [(109, 109)]
    assert renamed == [("Nouvel intitulé",)]
    assert counted == [(in_fiches[0][0], 2)] and in_fiches[0][0] > 50


def test_the_offers_marts_added_up_from_daily_counts_equal_their_definition_on_the_offers(incremental_offers):
    warehouse, env, _ = incremental_offers
    dbt(["run", "--select", *OFFERS_MARTS, "fiche_offres_repartitions"], env)

    with connect(warehouse, read_only=True) as con:
        for mart, (fiche, period) in OFFERS_MARTS.items():
            columns = [
                c
                for (c,) in rows(
                    con,
                    "select column_name from information_schema.columns where table_schema = 'marts' "
                    "and table_name = ? order by ordinal_position",
                    [mart],
                )
                if not c.startswith("part_") and c != "libelle_fiche"
            ]
            published = f"select {', '.join(columns)} from marts.{mart}"
            expected = f"select {', '.join(columns)} from ({offers_mart_from_offers(fiche, period)})"
            assert rows(con, f"select count(*) from ({published} except all {expected})") == [(0,)], mart
            assert rows(con, f"select count(*) from ({expected} except all {published})") == [(0,)], mart
        medians = rows(con, "select count(distinct salaire_mensuel_median) from marts.fiche_offres_mensuel")
        published = (
            "select fiche_id, niveau_territoire, code_territoire, libelle_territoire, annee, dimension, modalite, "
            "libelle_modalite, nb_offres from marts.fiche_offres_repartitions"
        )
        only_published = rows(
            con, f"select count(*) from ({published} except all {REPARTITIONS_FROM_OFFERS})"
        )
        only_expected = rows(con, f"select count(*) from ({REPARTITIONS_FROM_OFFERS} except all {published})")
        repartitions = rows(con, "select count(*) from marts.fiche_offres_repartitions")
    assert medians[0][0] > 3  # the medians were exercised: several values, some interpolated
    assert only_published == [(0,)] and only_expected == [(0,)] and repartitions[0][0] > 0


def test_clean_ndjson_and_odd_records_load_alike_with_their_line_numbers(warehouse, tmp_path):
    many = day_offers(30000, 7, DAY)
    folder = tmp_path / "landing"
    write_ndjson(folder / "big.ndjson", [dict(o, id=f"L{i}") for i, o in enumerate(many, start=1)])
    # a record whose place is text instead of an object, a price as text: loaded, the odd values as null
    odd = dict(day_offers(1, 8, DAY)[0], id="ODD", lieuTravail="Nantes", nombrePostes="deux")
    write_ndjson(folder / "odd.ndjson", [*day_offers(3, 9, DAY), odd])
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(folder), DAY, NEXT)
        drift = rows(
            con, "select count(*) from raw.francetravail_offres where id like 'L%' and id <> 'L' || _line"
        )
        odd_row = rows(
            con,
            "select _line, lieu_travail_libelle, nombre_postes from raw.francetravail_offres where id = 'ODD'",
        )
    assert load.rows_loaded == 30004 and drift == [(0,)]
    assert odd_row == [(4, None, None)]


def test_a_nightly_run_does_not_rehash_unchanged_landing_files(warehouse, landing, monkeypatch):
    hashed = []
    real = offers.hash_and_count
    monkeypatch.setattr(offers, "hash_and_count", lambda path: hashed.append(path.name) or real(path))
    with connect(warehouse) as con:
        first = offers.landed_offer_files(landing, con)
        write_ndjson(landing / "c.ndjson", day_offers(5, 10, NEXT))
        second = offers.landed_offer_files(landing, con)
    assert sorted(hashed) == ["a.ndjson", "b.ndjson", "c.ndjson"]
    assert second[:2] == first and second[2].sha256 == sha256_of(landing / "c.ndjson")


def test_a_file_that_is_not_json_is_quarantined_whole_and_the_others_load(warehouse, landing):
    (landing / "export.json").write_text("<html>Erreur 502</html>", encoding="utf-8")
    with connect(warehouse) as con:
        load = offers.load_range(con, files_in(landing), DAY, NEXT)
        refused = rows(con, "select _source_file, _line, _reason from quarantine.francetravail_offres")
    assert load.rows_loaded == 40
    assert [(Path(f).name, line) for f, line, _ in refused if f.endswith(".json")] == [("export.json", 0)]
    assert any(reason.startswith("unreadable file") for _, _, reason in refused)
