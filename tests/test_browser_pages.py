"""In Chromium: the index of past editions and a page with département maps open without console error,
without a request outside their folder, without sideways scroll at 1,280 and 390 px and without a serious
accessibility violation; and the harness does see each of these defects when a page has them."""

from __future__ import annotations

from browser import browser, serve  # noqa: F401  (session fixture)
from test_editions import make_edition

from orchestration.lib import editions
from orchestration.lib.maps import render_departements_map

DEFECTS = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><title>Défauts</title>
<link rel="stylesheet" href="https://cdn.example.org/style.css"></head>
<body><main>
<h1>Une page qui a tous les défauts</h1>
<img src="photo.png">
<div style="width: 2000px">trop large</div>
<a href="absente.html">une page qui n'existe pas</a>
<script>console.error("échec du rendu"); undefinedFunction();</script>
</main></body></html>
"""


def test_the_harness_reports_what_a_reader_would_run_into(browser, tmp_path):  # noqa: F811
    (tmp_path / "defauts.html").write_text(DEFECTS, encoding="utf-8")
    with serve(tmp_path) as site:
        report = browser.check(site, "defauts.html")
    assert report.outside_requests == ["https://cdn.example.org/style.css"]
    assert any("échec du rendu" in m for m in report.console_errors)
    assert any("undefinedFunction" in m for m in report.page_errors)
    assert any(u.startswith(f"{site.base_url}photo.png (404") for u in report.failed_requests)
    assert set(report.horizontal_scroll) == {1280, 390}
    assert "image-alt" in {v["id"] for v in report.axe_violations}
    assert report.broken_links == [f"{site.base_url}absente.html (404)"]
    assert len(report.problems()) >= 7


def test_the_index_of_past_editions_reads_well_in_a_browser(browser, tmp_path):  # noqa: F811
    publication = tmp_path / "publication"
    for edition_id in ("20261130T021500", "20261201T021500", "20261202T021500"):
        make_edition(publication, edition_id)
    editions.publish(publication, "20261201T021500")
    editions.publish(publication, "20261202T021500", review_mode=True)

    with serve(publication) as site:
        report = browser.check(site, "editions/index.html", screenshot="editions-index")
        root_copy = browser.check(site, "index.html", widths=(390,), axe_width=None)
        through_latest = browser.check(site, "latest/index.html", widths=(390,), axe_width=None)
        page = browser.browser.new_page(viewport={"width": 390, "height": 800})
        page.goto(site.base_url + "editions/index.html")
        rows = page.locator("tbody tr").all_inner_texts()
        with page.expect_navigation():  # the title is read once the edition has opened
            page.get_by_role("link", name="édition du 1er décembre 2026 à 02:15").click()
        opened = page.title()
        page.goto(site.base_url + "latest/index.html")
        with page.expect_navigation():
            page.get_by_role("link", name="Éditions précédentes").click()
        back = page.title()
        page.close()

    assert root_copy.problems() == [] and through_latest.problems() == []  # no broken link either
    assert report.problems() == []
    assert len(rows) == 3
    assert "2 décembre 2026 à 02:15" in rows[0] and "En attente d’approbation" in rows[0]
    assert "1er décembre 2026 à 02:15" in rows[1] and "En ligne" in rows[1]
    assert "Archivée" in rows[2]
    assert opened == "20261201T021500"  # the link opens that edition
    assert back.startswith("Éditions publiées")  # and an edition reached through latest/ links back


def test_a_page_with_maps_reads_well_in_a_browser(browser, tmp_path):  # noqa: F811
    offers = render_departements_map(
        {"44": 5230, "49": 3102, "53": 870, "72": 1904, "85": 2750},
        title="Offres d'emploi par département, 2024",
        unit="Offres d'emploi, 2024",
        source="France Travail, offres d'emploi",
    )
    gaps = render_departements_map(
        {"44": 12, "49": 7, "53": 2, "72": None, "85": 4},
        secret={"53"},
        title="Intentions d'embauche sans organisme agréé, 2024",
        unit="Intentions d'embauche, 2024",
        source="France Travail ; Région Pays de la Loire, organismes agréés",
    )
    page = (
        '<!DOCTYPE html>\n<html lang="fr"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Cartes</title>'
        "<style>body{font-family:'DejaVu Sans',sans-serif;max-width:62rem;margin:0 auto;padding:0 1rem}"
        "figure{margin:1rem 0}</style></head>"
        f"<body><main><h1>Territoires</h1>{offers}{gaps}</main></body></html>"
    )
    (tmp_path / "cartes.html").write_text(page, encoding="utf-8")
    with serve(tmp_path) as site:
        report = browser.check(site, "cartes.html", screenshot="carte-departements")
        view = browser.browser.new_page(viewport={"width": 390, "height": 800})
        view.goto(site.base_url + "cartes.html")
        maps = view.get_by_role("img").all()
        names = [m.get_attribute("aria-labelledby") for m in maps]
        labels = [view.locator(f"[id='{n.split()[0]}']").text_content() for n in names]
        widths = [m.bounding_box()["width"] for m in maps]
        table = view.get_by_role("table", name="Intentions d'embauche sans organisme agréé, 2024")
        secret_row = table.get_by_role("row", name="Mayenne (53)").inner_text()
        view.close()

    assert report.problems() == []
    assert labels == [
        "Offres d'emploi par département, 2024",
        "Intentions d'embauche sans organisme agréé, 2024",
    ]
    assert all(w <= 390 - 2 * 16 for w in widths)  # the maps shrink to the phone's width
    assert "secret statistique" in secret_row
