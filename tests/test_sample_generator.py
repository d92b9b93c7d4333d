"""The embedded sample (``tools/sample``) and the curated reference seeds: reproducible, calibrated, in the
published formats.

Everything is read back from the files as a person would (csv module, the right encoding), never from
the generator's internals; the identifiers and labels are checked with the helpers the pipeline uses
(``orchestration.lib.codes``) and the official referentials shipped in ``seeds/reference/official``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pytest

from orchestration.lib.codes import age_at, branch_lookup, luhn_ok, normalise_label
from orchestration.lib.referentials import read_communes, read_departements, read_rome_codes
from tools.sample.generator import generate, main

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
LANDING = SEEDS / "sample" / "landing"
REFERENCE = SEEDS / "reference"
OFFICIAL = REFERENCE / "official"
SAMPLE_DATA = ROOT / "tools" / "sample" / "data"
FICHE_IDS = {
    "animation-socioculturelle": {"G1202", "G1203", "K1206"},
    "aide-a-domicile": {"K1302", "K1304"},
    "intervention-sociale-familiale": {"K1305"},
    "accompagnement-medico-social": {"K1301"},
    "action-sociale": {"K1201", "K1205"},
    "insertion-professionnelle": {"K1801"},
    "droit-protection-sociale": {"K1903"},
    "assistance-dentaire": {"J1303"},
    "ressources-humaines": {"M1502", "M1503"},
    "comptabilite": {"M1203", "M1206"},
    "gardien-immeuble": {"K2501"},
}


def _sha256_tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _read_csv(path: Path, encoding: str = "utf-8", delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def _fr_date(text: str) -> date:
    return datetime.strptime(text, "%d/%m/%Y").date()


@pytest.fixture(scope="module")
def branch_of() -> dict[str, str]:
    """Every spelling of branches.csv (code, label, synonyms), normalised, to the branch code."""
    rows = _read_csv(REFERENCE / "branches.csv")
    return branch_lookup((r["code_branche"], r["libelle_branche"], r["synonymes"].split("|")) for r in rows)


@pytest.fixture(scope="module")
def official_rome() -> dict[str, dict[str, str]]:
    return {r["code_rome"]: r for r in read_rome_codes(OFFICIAL)}


@pytest.fixture(scope="module")
def official_communes() -> dict[str, dict[str, str]]:
    return {r["code_commune"]: r for r in read_communes(OFFICIAL).rows}


@pytest.fixture(scope="module")
def contrats() -> list[dict[str, str]]:
    return _read_csv(LANDING / "uniformation" / "contrats_2021_2025.csv", "utf-8-sig", ";")


@pytest.fixture(scope="module")
def adherents() -> list[dict[str, str]]:
    return _read_csv(LANDING / "uniformation" / "adherents_2021_2025.csv", "cp1252", ";")


@pytest.fixture(scope="module")
def offer_files() -> dict[str, list[dict]]:
    files = {}
    for path in sorted((LANDING / "francetravail").iterdir()):
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".ndjson":
            files[path.name] = [json.loads(line) for line in text.splitlines() if line.strip()]
        else:
            body = json.loads(text)
            files[path.name] = body["resultats"] if isinstance(body, dict) else body
    return files


# --- reproducibility --------------------------------------------------------------------------------


def test_regenerating_gives_byte_identical_files(tmp_path):
    shutil.copytree(REFERENCE, tmp_path / "reference")  # curated and official: read, never written
    assert main(["--out", str(tmp_path)]) == 0
    for sub in ("reference", "sample/landing"):
        fresh, committed = _sha256_tree(tmp_path / sub), _sha256_tree(SEEDS / sub)
        assert sorted(fresh) == sorted(committed), (
            f"{sub}: the committed files differ from the generated ones"
        )
        changed = [name for name in fresh if fresh[name] != committed[name]]
        assert not changed, f"{sub}: regenerated files differ: {changed}"


def test_generate_drops_stale_landing_files(tmp_path):
    stale = tmp_path / "sample" / "landing" / "francetravail" / "offres_1999-01.json"
    stale.parent.mkdir(parents=True)
    stale.write_text("[]", encoding="utf-8")
    written = generate(tmp_path)
    assert not stale.exists()
    assert all(p.is_file() for p in written)


# --- calibration on Uniformation's 2022 key figures -------------------------------------------------


def test_adherents_2022_match_the_published_key_figures(adherents, branch_of):
    rows = [r for r in adherents if r["annee"] == "2022"]
    assert len(rows) == 1703
    assert len({r["siret"] for r in rows}) == 1703
    small = sum(float(r["effectif_etp"].replace(",", ".")) < 11 for r in rows)
    assert small == 1158 and round(100 * small / len(rows)) == 68
    salaries = sum(int(r["salaries_physiques"]) for r in rows)
    femmes = sum(int(r["dont_femmes"]) for r in rows)
    assert salaries == 48276
    assert femmes == 36690 and round(100 * femmes / salaries) == 76
    branches = Counter(branch_of[normalise_label(r["branche"])] for r in rows)
    assert len(branches) == 18 and min(branches.values()) >= 1


def test_adherents_other_years_are_plausible(adherents):
    per_year = Counter(r["annee"] for r in adherents)
    assert sorted(per_year) == ["2021", "2022", "2023", "2024", "2025"]
    for year, count in per_year.items():
        assert 1650 <= count <= 1800, year
    for r in adherents:
        assert 0 <= int(r["dont_femmes"]) <= int(r["salaries_physiques"]), r["siret"]
        assert luhn_ok(r["siret"]) and len(r["siret"]) == 14


def test_contrats_2022_match_the_published_key_figures(contrats, branch_of):
    rows = [r for r in contrats if r["annee_engagement"] == "2022"]
    assert len(rows) == 120
    per_branch = Counter(branch_of[normalise_label(r["branche"])] for r in rows)
    top = per_branch.most_common(3)
    assert top == [("MUTUALITE", 25), ("BAD", 16), ("ECLAT", 13)]
    assert all(n < 13 for code, n in per_branch.items() if code not in {"MUTUALITE", "BAD", "ECLAT"})
    over_30 = sum(age_at(_fr_date(r["date_naissance"]), _fr_date(r["date_debut"])) > 30 for r in rows)
    assert over_30 == 73 and round(100 * over_30 / len(rows)) == 61


def test_contrats_2021_top_branches(contrats, branch_of):
    per_branch = Counter(
        branch_of[normalise_label(r["branche"])] for r in contrats if r["annee_engagement"] == "2021"
    )
    assert (per_branch["MUTUALITE"], per_branch["BAD"], per_branch["ECLAT"]) == (17, 15, 18)


def test_contrats_are_consistent_with_the_seeds(contrats, adherents, official_rome):
    per_year = Counter(r["annee_engagement"] for r in contrats)
    assert all(100 <= n <= 150 for n in per_year.values()) and len(per_year) == 5
    certifications = {r["code_certification"] for r in _read_csv(REFERENCE / "certifications.csv")}
    romes = set(official_rome)
    members = {(r["annee"], r["siret"]) for r in adherents}
    organismes = {
        line.split(";")[4].strip('"')
        for line in (LANDING / "organismes" / "liste_publique_of_extrait.csv")
        .read_text("utf-8")
        .splitlines()[1:]
    }
    niveaux = {
        "Niveau 3 (CAP, BEP)",
        "Niveau 4 (Bac)",
        "Niveau 5 (Bac+2)",
        "Niveau 6 (Bac+3, Bac+4)",
        "Niveau 7 (Bac+5)",
        "Sans diplôme",
    }
    assert len({r["num_contrat"] for r in contrats}) == len(contrats)
    for r in contrats:
        assert r["code_rncp"] in certifications and r["code_rome"] in romes
        assert (r["annee_engagement"], r["siret_employeur"]) in members
        assert r["siret_organisme_formation"] in organismes
        assert luhn_ok(r["siret_employeur"]) and luhn_ok(r["siret_organisme_formation"])
        assert r["sexe"] in {"F", "M"} and r["niveau_entree"] in niveaux
        assert _fr_date(r["date_engagement"]).year == int(r["annee_engagement"])
        assert _fr_date(r["date_debut"]) < _fr_date(r["date_fin"])
        float(r["duree_hebdo"].replace(",", "."))
        float(r["heures_formation"].replace(",", "."))


# --- formats -----------------------------------------------------------------------------------------


def test_contrats_have_a_bom_and_adherents_are_windows_1252():
    raw = (LANDING / "uniformation" / "contrats_2021_2025.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfnum_contrat;annee_engagement;")
    header = raw.decode("utf-8-sig").splitlines()[0].split(";")
    assert len(header) == 20 and header[-1] == "heures_formation"
    adherents = (LANDING / "uniformation" / "adherents_2021_2025.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        adherents.decode("utf-8")
    text = adherents.decode("cp1252")
    assert "é" in text and text.startswith("annee;siret;raison_sociale;branche;")


def test_organismes_follow_the_dgefp_layout():
    lines = (LANDING / "organismes" / "liste_publique_of_extrait.csv").read_text("utf-8").split("\n")
    assert lines[-1] == ""
    lines = lines[:-1]
    assert lines[0].startswith("numeroDeclarationActivite;numerosDeclarationActivitePrecedent;denomination;")
    assert len(lines) >= 120
    regions = Counter()
    for number, line in enumerate(lines, start=1):
        assert line.endswith(";"), number
        fields = next(csv.reader(io.StringIO(line[:-1]), delimiter=";"))
        assert len(fields) == 30, number
        if number > 1:
            assert fields[9] in {"true", "false"} and ';"true"' not in line
            assert fields[4].startswith(fields[3]) and luhn_ok(fields[4])
            regions[fields[8]] += 1
    assert regions["52"] >= 100 and sum(n for code, n in regions.items() if code != "52") >= 10


def test_agrements_cover_some_departements_and_not_others():
    rows = _read_csv(LANDING / "agrements" / "agrements_region_2025.csv", delimiter=";")
    assert 50 <= len(rows) <= 70
    fiches = _read_csv(REFERENCE / "fiches_metiers.csv")
    certifications = {r["code_certification"]: r for r in _read_csv(REFERENCE / "certifications.csv")}
    fiche_of = {r["code_rome"]: r["fiche_id"] for r in fiches}
    covered: dict[str, set[str]] = {}
    for r in rows:
        assert r["qualiopi"] in {"oui", "non"} and luhn_ok(r["siret"])
        assert (
            r["intitule_certification"] == certifications[r["code_certification"]]["intitule_certification"]
        )
        _fr_date(r["date_debut"]), _fr_date(r["date_fin"])
        for code in certifications[r["code_certification"]]["codes_rome"].split("|"):
            if code in fiche_of:
                covered.setdefault(fiche_of[code], set()).update(r["departements"].split(","))
    all_deps = {"44", "49", "53", "72", "85"}
    assert any(deps == all_deps for deps in covered.values())
    assert any(deps and deps != all_deps for deps in covered.values())  # gaps


def test_every_offer_file_parses_in_one_of_the_three_shapes(offer_files):
    names = sorted(offer_files)
    shapes = Counter()
    for name in names:
        path = LANDING / "francetravail" / name
        if name.endswith(".ndjson"):
            shapes["ndjson"] += 1
        elif isinstance(json.loads(path.read_text("utf-8")), dict):
            shapes["api"] += 1
            assert "filtresPossibles" in json.loads(path.read_text("utf-8"))
        else:
            shapes["array"] += 1
    assert shapes["ndjson"] >= 1 and shapes["api"] >= 1 and shapes["array"] == 1
    assert len(names) == 24


def test_offers_look_like_france_travail_offers(offer_files, official_rome, official_communes):
    romes = official_rome
    departements = {r["code_departement"]: r for r in read_departements(OFFICIAL)}
    # the official COG extract covers the région; communes outside it are checked by their département
    communes = {
        **{
            r["code_commune"]: {**r, "code_region": departements[r["code_departement"]]["code_region"]}
            for r in _read_csv(SAMPLE_DATA / "communes.csv")
            if r["code_region"] != "52"
        },
        **official_communes,
    }
    fiche_codes = set().union(*FICHE_IDS.values())
    versions: dict[object, list[str]] = {}
    offers = [o for name in sorted(offer_files) for o in offer_files[name]]
    for o in offers:
        versions.setdefault(o["id"], []).append(o["dateActualisation"])
        assert o["dateActualisation"] >= o["dateCreation"]
        assert "2024-01-01" <= o["dateCreation"][:10] <= "2025-12-31"
        assert o["romeCode"] in romes and o["romeLibelle"] == romes[o["romeCode"]]["libelle_rome"]
        assert o["lieuTravail"]["commune"] in communes
        assert 150 <= len(o["description"]) <= 440
        if o["origineOffre"]["origine"] == "2":
            assert isinstance(o["id"], int) and o["entreprise"] == {} and o["salaire"] == {}
            assert "latitude" not in o["lieuTravail"] and "dureeTravailLibelle" not in o
        else:
            assert isinstance(o["id"], str) and len(o["id"]) == 7
            assert isinstance(o["lieuTravail"]["latitude"], float)
    unique = len(versions)
    assert 19_000 <= unique <= 21_000
    updated = [v for v in versions.values() if len(v) > 1]
    assert len(updated) >= 20 and all(v[-1] > v[0] for v in updated)
    latest = {o["id"]: o for o in offers}
    in_fiches = sum(romes[o["romeCode"]]["code_rome_parent"] in fiche_codes for o in latest.values())
    assert 0.80 <= in_fiches / unique <= 0.90
    outside = sum(communes[o["lieuTravail"]["commune"]]["code_region"] != "52" for o in latest.values())
    assert 0.02 <= outside / unique <= 0.04
    partners = sum(isinstance(i, int) for i in latest)
    assert 0.15 <= partners / unique <= 0.35
    kinds = Counter(o["typeContrat"] for o in latest.values())
    assert kinds.most_common(2)[0][0] == "CDI" and {"CDD", "MIS", "SAI", "LIB", "FRA"} <= set(kinds)
    per_fiche = Counter(
        next(
            (f for f, codes in FICHE_IDS.items() if romes[o["romeCode"]]["code_rome_parent"] in codes),
            "other",
        )
        for o in latest.values()
    )
    assert per_fiche.most_common(1)[0][0] == "aide-a-domicile"


# --- reference seeds ----------------------------------------------------------------------------------


def test_reference_seeds_have_the_agreed_columns():
    expected = {
        "branches.csv": "code_branche,libelle_branche,synonymes",
        "certifications.csv": "code_certification,intitule_certification,niveau,formacode,domaine_formacode,"
        "codes_rome",
        "fiches_metiers.csv": "fiche_id,libelle_fiche,code_rome,branches",
    }
    for name, header in expected.items():
        assert (REFERENCE / name).read_text("utf-8").split("\n", 1)[0] == header, name
    fiches = _read_csv(REFERENCE / "fiches_metiers.csv")
    by_fiche: dict[str, set[str]] = {}
    branches = {r["code_branche"] for r in _read_csv(REFERENCE / "branches.csv")}
    for r in fiches:
        by_fiche.setdefault(r["fiche_id"], set()).add(r["code_rome"])
        assert set(r["branches"].split("|")) <= branches
    assert by_fiche == FICHE_IDS and len(branches) == 18
    for r in _read_csv(REFERENCE / "certifications.csv"):
        assert r["niveau"] in {"3", "4", "5", "6", "7"} and r["code_certification"][:2] in {"RN", "RS"}


def test_sample_communes_cover_every_zone_centred_in_the_region():
    rows = _read_csv(SAMPLE_DATA / "communes.csv")
    zones = {r["code_zone_emploi"] for r in rows if r["code_region"] == "52"}
    assert {f"52{n:02d}" for n in range(1, 22)} <= zones
    assert sum(r["code_region"] == "52" for r in rows) >= 55
    outside = [r for r in rows if r["code_region"] != "52"]
    assert len(outside) >= 4 and all(r["code_zone_emploi"] == "" for r in outside)


def test_sample_data_follow_the_official_referentials(official_rome, official_communes):
    fiche_codes = set().union(*FICHE_IDS.values())
    appellations = json.loads((SAMPLE_DATA / "appellations.json").read_text("utf-8"))
    assert set(appellations) <= set(official_rome)
    children = {c for c, r in official_rome.items() if r["code_rome_parent"] in fiche_codes}
    assert children <= set(appellations), "every ROME 4.0 child of a fiche has appellations in the sample"
    departements = {r["code_departement"]: r for r in read_departements(OFFICIAL)}
    for r in _read_csv(SAMPLE_DATA / "communes.csv"):
        assert departements[r["code_departement"]]["code_region"] == r["code_region"], r
        if r["code_region"] == "52":
            official = official_communes[r["code_commune"]]
            keys = ("libelle_commune", "code_departement", "code_zone_emploi", "libelle_zone_emploi")
            assert {k: r[k] for k in keys} == {k: official[k] for k in keys}, r["code_commune"]


# --- what the pages are for ---------------------------------------------------------------------------


def test_the_sample_holds_the_situations_the_pages_exist_to_show(
    offer_files, adherents, branch_of, official_rome, official_communes
):
    """Hiring intentions with no agreed provider in their département (Mayenne, Sarthe), agreed providers
    with no intention nearby, intentions covered, and a branch that shrinks year after year."""
    fiche_of = {r["code_rome"]: r["fiche_id"] for r in _read_csv(REFERENCE / "fiches_metiers.csv")}
    certifications = {r["code_certification"]: r for r in _read_csv(REFERENCE / "certifications.csv")}
    agreed: set[tuple[str, str]] = set()
    for r in _read_csv(LANDING / "agrements" / "agrements_region_2025.csv", delimiter=";"):
        if _fr_date(r["date_fin"]) >= date(2025, 1, 1):  # in force during the sample's offers
            for code in certifications[r["code_certification"]]["codes_rome"].split("|"):
                if code in fiche_of:
                    agreed |= {(fiche_of[code], dep) for dep in r["departements"].split(",")}
    latest = {o["id"]: o for name in sorted(offer_files) for o in offer_files[name]}
    located: set[tuple[str, str]] = set()
    eligible: set[tuple[str, str]] = set()  # plainly eligible: a full-time CDI
    for o in latest.values():
        fiche = fiche_of.get(official_rome[o["romeCode"]]["code_rome_parent"])
        commune = official_communes.get(o["lieuTravail"].get("commune"))
        if fiche and commune:
            located.add((fiche, commune["code_departement"]))
            if o["typeContrat"] == "CDI" and o.get("dureeTravailLibelleConverti") == "Temps plein":
                eligible.add((fiche, commune["code_departement"]))
    gaps = {(fiche, dep) for fiche, dep in eligible - agreed if dep in {"53", "72"}}
    assert len({fiche for fiche, _ in gaps}) >= 3 and {dep for _, dep in gaps} == {"53", "72"}
    assert len(agreed - located) >= 2  # providers with no offer of their fiche in their département
    assert len(eligible & agreed) >= 20

    members: dict[str, Counter] = {}
    employees: dict[str, Counter] = {}
    for r in adherents:
        branch = branch_of[normalise_label(r["branche"])]
        members.setdefault(branch, Counter())[int(r["annee"])] += 1
        employees.setdefault(branch, Counter())[int(r["annee"])] += int(r["salaries_physiques"])
    shrinking = [
        b
        for b in members
        if all(
            members[b][y] > members[b][y + 1] and employees[b][y] > employees[b][y + 1]
            for y in range(2021, 2025)
        )
    ]
    assert shrinking, "a branch whose members and employees fall every year"
