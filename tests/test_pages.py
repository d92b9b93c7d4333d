"""The pages of the sample's edition as readers get them: every page in Chromium (index, portrait, the 11
fiches, quality and changes), the key messages recomputed from the published CSV files, the PDFs' text, the
maps; and a run whose tables equal the latest edition's publishes nothing. Reads the shared first run."""

from __future__ import annotations

import csv
import html
import json
import re
import subprocess

import dagster as dg
import pytest
from browser import browser, serve  # noqa: F401  (session fixture)
from conftest import sample_environment

from orchestration.lib.publication import format_number_fr, format_percent_fr

FICHES = 11


def read_csv(edition, name: str) -> list[dict]:
    with (edition / "donnees" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def num(text: str) -> float | None:
    return None if text == "" else float(text)


def text_of(page_html: str) -> str:
    """The visible words of an HTML fragment, spaces normalised (narrow no-break spaces kept)."""
    return re.sub(r"[ \t\n]+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page_html)))


def messages_of(page_html: str) -> dict[str, str]:
    return {
        key: text_of(body).strip()
        for key, body in re.findall(r'<li data-message="([a-z_]+)">(.*?)</li>', page_html, re.S)
    }


@pytest.fixture(scope="module")
def edition(sample_run):
    return sample_run["edition"]


def test_every_page_of_the_edition_reads_well_in_a_browser(browser, edition):  # noqa: F811
    fiches = sorted(f"fiches/{p.name}" for p in (edition / "fiches").glob("*.html"))
    assert len(fiches) == FICHES
    pages = ["index.html", "portrait-cohesion-sociale.html", *fiches, "qualite.html", "changements.html"]
    shots = {
        "portrait-cohesion-sociale.html": "edition-portrait",
        "fiches/aide-a-domicile.html": "edition-fiche",
    }
    problems = []
    # served alone: nothing outside the edition folder can even be asked for
    with serve(edition) as site:
        for page in pages:
            report = browser.check(site, page, screenshot=shots.get(page))
            problems += report.problems()
            if page in shots:
                assert [p.exists() for p in report.screenshots] == [True, True]
        view = browser.browser.new_page(viewport={"width": 1280, "height": 900})
        view.goto(site.base_url + "portrait-cohesion-sociale.html")
        first_screen = {
            name: view.locator(selector).bounding_box()
            for name, selector in (("messages", "section.messages"), ("cards", "dl.cards"))
        }
        earlier = view.locator("#portrait_chiffres_cles details.earlier")
        collapsed = earlier.get_attribute("open") is None
        view.close()
    assert problems == []
    # the first screen shows the key messages and the key figures of the latest year
    assert all(box["y"] + min(box["height"], 120) < 900 for box in first_screen.values()), first_screen
    assert collapsed  # earlier years wait in a collapsed section


def test_each_key_message_is_recomputed_from_the_published_tables(edition):
    coverage = read_csv(edition, "couverture_annees")
    complete = {
        source: max(
            int(r["annee"]) for r in coverage if r["source"] == source and r["est_complete"] == "true"
        )
        for source in ("contrats", "offres", "adherents")
    }
    [m] = read_csv(edition, "portrait_messages")
    assert int(m["annee_contrats"]) == complete["contrats"] and int(m["annee_offres"]) == complete["offres"]
    key = {int(r["annee"]): r for r in read_csv(edition, "portrait_chiffres_cles")}[int(m["annee_contrats"])]
    assert m["nb_contrats_pro"] == key["nb_contrats_pro"]
    assert num(m["taux_evolution_contrats_pro"]) == pytest.approx(
        num(key["taux_evolution_contrats_pro"]), abs=1e-4
    )
    branches = [
        r
        for r in read_csv(edition, "portrait_contrats_par_branche")
        if r["annee"] == m["annee_contrats"] and r["nb_contrats"] != ""
    ]
    first = max(branches, key=lambda r: int(r["nb_contrats"]))
    hidden = int(key["nb_contrats_pro"]) - sum(int(r["nb_contrats"]) for r in branches)
    assert int(first["nb_contrats"]) > hidden  # the branch named surely signs the most
    assert (m["branche_plus_contrats"], m["nb_contrats_branche_plus"]) == (
        first["libelle_branche"],
        first["nb_contrats"],
    )
    territories = read_csv(edition, "portrait_offres_territoires")
    by_dep = {int(r["annee"]): {} for r in territories}
    for r in territories:
        if r["niveau_territoire"] == "departement":
            by_dep[int(r["annee"])][r["libelle_territoire"]] = int(r["nb_offres"])
    year = int(m["annee_offres"])
    total, before = sum(by_dep[year].values()), sum(by_dep[year - 1].values())
    assert int(m["nb_offres"]) == total
    assert num(m["taux_evolution_offres"]) == pytest.approx((total - before) / before, abs=1e-4)
    top = max(by_dep[year], key=by_dep[year].get)
    assert m["departement_plus_offres"] == top
    assert num(m["part_offres_departement_plus"]) == pytest.approx(by_dep[year][top] / total, abs=1e-4)
    members = {int(r["annee"]): r for r in read_csv(edition, "portrait_chiffres_cles")}[
        int(m["annee_adherents"])
    ]
    assert (m["nb_adherents"], m["nb_salaries"]) == (members["nb_adherents"], members["nb_salaries"])

    # the sentences carry exactly these figures, on the page and in its PDF
    page = (edition / "portrait-cohesion-sociale.html").read_text(encoding="utf-8")
    said = messages_of(page)
    rate = num(m["taux_evolution_contrats_pro"])
    assert said["contrats"].startswith(
        f"En {m['annee_contrats']}, {format_number_fr(int(m['nb_contrats_pro']))} contrats de professionnalisation"
    )
    assert (
        f"{format_percent_fr(abs(rate))} de {'plus' if rate > 0 else 'moins'} qu'en {int(m['annee_contrats']) - 1}"
        in said["contrats"]
    )
    assert f"la branche {m['branche_plus_contrats']} en signe le plus" in said["contrats"]
    assert f"{format_number_fr(total)} offres d'emploi" in said["offres"] and top in said["offres"]
    assert f"{format_number_fr(int(m['nb_salaries']))} salariés" in said["adherents"]

    fiche_keys = {(r["fiche_id"], int(r["annee"])): r for r in read_csv(edition, "fiche_chiffres_cles")}
    secret_contracts = 0
    for row in read_csv(edition, "fiche_messages"):
        fiche = row["fiche_id"]
        now = fiche_keys[(fiche, int(row["annee_offres"]))]
        before = fiche_keys[(fiche, int(row["annee_offres"]) - 1)]
        assert row["nb_offres"] == now["nb_offres"]
        expected = (int(now["nb_offres"]) - int(before["nb_offres"])) / int(before["nb_offres"])
        assert num(row["taux_evolution_offres"]) == pytest.approx(expected, abs=1e-4)
        assert row["nb_offres_eligibles_1e1f"] == now["nb_offres_eligibles_1e1f"]
        assert row["nb_intentions_sans_organisme"] == now["nb_intentions_sans_organisme"]
        contracts = fiche_keys[(fiche, int(row["annee_contrats"]))]
        assert (row["nb_contrats"], row["statut_contrats"]) == (
            contracts["nb_contrats"],
            contracts["statut_contrats"],
        )
        said = messages_of((edition / "fiches" / f"{fiche}.html").read_text(encoding="utf-8"))
        assert format_number_fr(int(row["nb_offres"])) in said["offres"]
        if row["statut_contrats"] == "secret":
            secret_contracts += 1
            assert "contrats" not in said  # silent where the figure is secret
        else:
            assert format_number_fr(int(row["nb_contrats"])) in said["contrats"]
    assert secret_contracts > 0  # the sample does exercise the silence


def pdf_text(path) -> str:
    """The PDF's text with every run of spaces (narrow no-break ones too) as one space."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", " ", text)


def spaced(figure: str) -> str:
    return format_number_fr(int(figure)).replace("\u202f", " ")


def test_the_pdfs_open_with_their_sections_and_key_figures(edition):
    [m] = read_csv(edition, "portrait_messages")
    portrait = pdf_text(edition / "portrait-cohesion-sociale.pdf")
    for heading in (
        "L'essentiel",
        "Chiffres clés du secteur",
        "Sources et définitions",
        "Secret statistique",
    ):
        assert heading in portrait, heading
    for figure in (m["nb_contrats_pro"], m["nb_adherents"], m["nb_salaries"], m["nb_offres"]):
        assert spaced(figure) in portrait, figure
    assert "Années précédentes" in portrait  # the earlier years are printed, not folded away
    [row] = [r for r in read_csv(edition, "fiche_messages") if r["fiche_id"] == "aide-a-domicile"]
    fiche = pdf_text(edition / "fiches" / "aide-a-domicile.pdf")
    assert "L'essentiel" in fiche and "Offres d'emploi par mois" in fiche
    assert spaced(row["nb_offres"]) in fiche


def maps_of(page_html: str) -> list[dict[str, tuple[str, str | None]]]:
    """Each map of a page: département code -> (state, value) as drawn."""
    found = []
    for figure in re.findall(r'<figure class="carte".*?</figure>', page_html, re.S):
        shapes = re.findall(r'data-code="(\d+)" data-etat="(\w+)"(?: data-valeur="([^"]*)")?', figure)
        found.append({code: (state, value or None) for code, state, value in shapes})
    return found


def test_the_maps_show_the_five_departements_and_draw_a_secret_value_as_such(edition):
    portrait = (edition / "portrait-cohesion-sociale.html").read_text(encoding="utf-8")
    territories = read_csv(edition, "portrait_offres_territoires")
    [m] = read_csv(edition, "portrait_messages")
    offers = {
        r["code_territoire"]: r["nb_offres"]
        for r in territories
        if r["niveau_territoire"] == "departement" and r["annee"] == m["annee_offres"]
    }
    drawn = maps_of(portrait)
    assert {code: value for code, (_, value) in drawn[1].items()} == offers
    assert set(offers) == {"44", "49", "53", "72", "85"}
    secret = [
        (page.name, code)
        for page in (edition / "fiches").glob("*.html")
        for drawn_map in maps_of(page.read_text(encoding="utf-8"))
        for code, (state, value) in drawn_map.items()
        if state == "secret"
    ]
    assert secret and all(code in {"44", "49", "53", "72", "85"} for _, code in secret)


def test_the_quality_page_lists_every_check_with_why_and_counts(edition):
    manifest = json.loads((edition / "manifest.json").read_text(encoding="utf-8"))
    quality = json.loads((edition / "qualite.json").read_text(encoding="utf-8"))
    assert quality["total"] == len(manifest["checks"]) > 200
    assert quality["without_why"] == 0 and quality["failed"] == 0
    assert {c["kind"] for c in quality["checks"]} == {"dbt", "gx", "pipeline"}
    gx = [c for c in quality["checks"] if c["kind"] == "gx"]
    assert all(c["counts"]["expectations_evaluated"] > 0 for c in gx)
    assert all(isinstance(v, int | float) for c in quality["checks"] for v in c["counts"].values())
    page = text_of((edition / "qualite.html").read_text(encoding="utf-8"))
    assert f"{quality['total']} contrôles ont été exécutés" in page
    assert quality["checks"][0]["why"][0] in page


def test_a_run_whose_tables_equal_the_latest_edition_publishes_nothing(sample_run):
    from orchestration.defs.publish.edition import edition as edition_asset

    publication = sample_run["publication"]
    latest = (publication / "latest").resolve().name
    before = sorted(p.name for p in (publication / "editions").iterdir())
    with sample_environment(sample_run["root"]):
        result = dg.materialize([edition_asset])
    metadata = result.asset_materializations_for_node("publication__edition")[0].metadata
    assert metadata["published"].value is False
    assert latest in metadata["reason"].value
    assert (publication / "latest").resolve().name == latest
    assert sorted(p.name for p in (publication / "editions").iterdir()) == before
