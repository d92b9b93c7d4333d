"""The publication writer: edition layout, manifest, CSV, French figures, atomicity, real rendering."""

from __future__ import annotations

import csv
import dataclasses
import json
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from orchestration.lib import publication as pub
from orchestration.lib.publication import (
    ChartSpec,
    EditionContent,
    FichePage,
    PublicationError,
    PublishedTable,
    current_latest,
    new_edition_id,
    switch_latest,
    write_edition,
)

CHROMIUM = Path("/usr/bin/chromium")
PARIS_WINTER = timezone(timedelta(hours=1))
GENERATED_AT = datetime(2026, 11, 26, 4, 18, 0, tzinfo=PARIS_WINTER)
NNBSP = "\u202f"  # narrow no-break space, thousands separator
NBSP = "\u00a0"


def _content(fiche_rows: list[tuple] | None = None, *, with_chart: bool = False) -> EditionContent:
    chiffres = PublishedTable(
        name="portrait_chiffres_cles",
        title="Offres d'emploi par année",
        description="Nombre d'offres France Travail publiées dans la région, par année de création.",
        columns=[
            ("annee", "Année"),
            ("offres", "Offres"),
            ("part_cdi", "Part de CDI"),
            ("duree_moyenne_mois", "Durée moyenne (mois)"),
            ("date_extraction", "Date d'extraction"),
        ],
        rows=[
            (2024, 48276, 0.764, 7.25, date(2025, 1, 15)),
            (2025, 51003, Decimal("0.5"), None, date(2026, 1, 15)),
        ],
        chart=ChartSpec(kind="bar", x="annee", y="offres") if with_chart else None,
    )
    departements = PublishedTable(
        name="portrait_departements",
        title="Contrats de professionnalisation par département",
        description="Contrats engagés en 2025, par département de l'établissement employeur.",
        columns=[("departement", "Département"), ("contrats", "Contrats")],
        rows=[("44 Loire-Atlantique", 1203), ("49 Maine-et-Loire", 687)],
    )
    fiches = [
        FichePage(
            fiche_id="aide-a-domicile",
            title="Aide à domicile",
            summary=[("Offres en 2025", f"12{NNBSP}345"), ("Part éligible", f"62{NBSP}%")],
            tables=[
                PublishedTable(
                    name="fiche_aide-a-domicile_offres",
                    title="Offres par type de contrat",
                    description="Offres de la fiche Aide à domicile, par type de contrat.",
                    columns=[
                        ("type_contrat", "Type de contrat"),
                        ("offres", "Offres"),
                        ("taux_eligible", "Éligibles"),
                    ],
                    rows=fiche_rows
                    if fiche_rows is not None
                    else [("CDI", 8120, 1.0), ("CDD", 4225, 0.31), ("Intérim", 3, None)],
                    chart=ChartSpec(kind="bar", x="type_contrat", y="offres") if with_chart else None,
                )
            ],
        ),
        FichePage(
            fiche_id="comptabilite",
            title="Comptabilité",
            summary=[("Offres en 2025", "987")],
            tables=[
                PublishedTable(
                    name="fiche_comptabilite_offres",
                    title="Offres par mois",
                    description="Offres de la fiche Comptabilité, par mois de création.",
                    columns=[("mois", "Mois"), ("offres", "Offres")],
                    rows=[(date(2025, 1, 1), 80), (date(2025, 2, 1), 95)],
                    chart=ChartSpec(kind="line", x="mois", y="offres") if with_chart else None,
                )
            ],
        ),
    ]
    return EditionContent(
        portrait_title="Portrait du secteur de la Cohésion sociale",
        portrait_summary=[
            ("Offres d'emploi en 2025", f"51{NNBSP}003"),
            ("Contrats de professionnalisation", "1 890"),
        ],
        portrait_tables=[chiffres, departements],
        fiches=fiches,
        inputs=[{"path": "francetravail/offres.jsonl", "sha256": "ab" * 32, "rows": 99279}],
        checks=[{"asset": "marts/offres", "name": "not_null_id", "passed": True, "blocking": True}],
        code_version="0.1.0+abc1234",
        region_label="Pays de la Loire",
    )


def _files(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


def _leftovers(publication_dir: Path) -> list[str]:
    editions = publication_dir / "editions"
    return sorted(p.name for p in editions.iterdir()) if editions.exists() else []


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    """One complete edition with PDFs and charts, shared by the read-only tests (PDFs take ~0.5 s a page)."""
    publication_dir = tmp_path_factory.mktemp("publication")
    return write_edition(
        publication_dir, _content(with_chart=True), edition_id="20261126T041800", generated_at=GENERATED_AT
    )


def test_new_edition_id():
    assert new_edition_id(GENERATED_AT) == "20261126T041800"


def test_layout_and_manifest(edition: Path):
    assert edition.name == "20261126T041800"
    assert edition.parent.name == "editions"
    assert edition.stat().st_mode & 0o755 == 0o755  # readable by a web server, unlike mkdtemp's default
    files = _files(edition)
    assert files == [
        "donnees/fiche_aide-a-domicile_offres.csv",
        "donnees/fiche_comptabilite_offres.csv",
        "donnees/portrait_chiffres_cles.csv",
        "donnees/portrait_departements.csv",
        "fiches/aide-a-domicile.html",
        "fiches/aide-a-domicile.pdf",
        "fiches/comptabilite.html",
        "fiches/comptabilite.pdf",
        "index.html",
        "manifest.json",
        "portrait-cohesion-sociale.html",
        "portrait-cohesion-sociale.pdf",
    ]
    manifest = json.loads((edition / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["edition"] == "20261126T041800"
    assert manifest["generated_at"] == "2026-11-26T04:18:00+01:00"
    assert datetime.fromisoformat(manifest["generated_at"]) == GENERATED_AT
    assert manifest["code_version"] == "0.1.0+abc1234"
    assert manifest["inputs"] == [{"path": "francetravail/offres.jsonl", "sha256": "ab" * 32, "rows": 99279}]
    assert manifest["checks"][0] == {
        "asset": "marts/offres",
        "name": "not_null_id",
        "passed": True,
        "blocking": True,
    }
    assert manifest["outputs"] == [f for f in files if f != "manifest.json"]
    # No temporary folder is left next to the edition.
    assert _leftovers(edition.parent.parent) == ["20261126T041800"]


def test_csv_round_trip(edition: Path):
    with (edition / "donnees/portrait_chiffres_cles.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows == [
        ["annee", "offres", "part_cdi", "duree_moyenne_mois", "date_extraction"],
        ["2024", "48276", "0.764", "7.25", "2025-01-15"],
        ["2025", "51003", "0.5", "", "2026-01-15"],
    ]
    with (edition / "donnees/fiche_aide-a-domicile_offres.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[2] == {"type_contrat": "Intérim", "offres": "3", "taux_eligible": ""}
    assert (edition / "donnees/portrait_departements.csv").read_bytes().startswith(b"departement,contrats\n")


def test_html_shows_french_figures_and_csv_links(edition: Path):
    portrait = (edition / "portrait-cohesion-sociale.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in portrait
    assert "<caption>Offres d&#39;emploi par année</caption>" in portrait
    assert '<th scope="col" class="num">Offres</th>' in portrait
    assert f">48{NNBSP}276<" in portrait  # thousands separated
    assert f">76{NBSP}%<" in portrait  # share column (part_) shown as a percentage
    assert f">50{NBSP}%<" in portrait  # Decimal share
    assert ">7,3<" in portrait  # decimal comma
    assert ">2024<" in portrait  # a year keeps its digits together
    assert ">15/01/2025<" in portrait
    assert ">—<" in portrait and "secret statistique" in portrait
    assert portrait.count("Télécharger les données (CSV)") == 2
    assert 'href="donnees/portrait_chiffres_cles.csv"' in portrait
    assert "<svg" in portrait  # the chart is inline
    fiche = (edition / "fiches/aide-a-domicile.html").read_text(encoding="utf-8")
    assert 'href="../donnees/fiche_aide-a-domicile_offres.csv"' in fiche
    assert 'href="../index.html"' in fiche
    assert f">8{NNBSP}120<" in fiche and f">100{NBSP}%<" in fiche and f">31{NBSP}%<" in fiche
    compta = (edition / "fiches/comptabilite.html").read_text(encoding="utf-8")
    assert ">janvier 2025<" in compta and ">février 2025<" in compta  # a "mois" column shows months
    for page in (portrait, fiche, (edition / "index.html").read_text(encoding="utf-8")):
        # Nothing is fetched from anywhere: no external stylesheet, script, font or image.
        assert "http://" not in page.replace('xmlns="http://www.w3.org/2000/svg"', "").replace(
            'xmlns:xlink="http://www.w3.org/1999/xlink"', ""
        )
        assert "https://" not in page and "<script" not in page and "<link" not in page


def test_index_links_to_everything(edition: Path):
    index = (edition / "index.html").read_text(encoding="utf-8")
    for rel in _files(edition):
        if rel != "index.html":
            assert f'href="{rel}"' in index, rel
    assert "20261126T041800" in index
    assert "26 novembre 2026 à 04:18 (UTC+01:00)" in index
    assert "1 contrôle exécuté, réussi." in index


def test_index_lists_failed_checks(tmp_path: Path):
    content = dataclasses.replace(
        _content(),
        checks=[
            {"asset": "marts/offres", "name": "not_null_id", "passed": True, "blocking": True},
            {"asset": "marts/contrats", "name": "age_plausible", "passed": False, "blocking": False},
        ],
    )
    edition = write_edition(
        tmp_path, content, edition_id="20260101T000000", generated_at=GENERATED_AT, pdf=False
    )
    index = (edition / "index.html").read_text(encoding="utf-8")
    assert "2 contrôles exécutés,\n    dont 1 en échec" in index
    assert "<code>marts/contrats</code> : age_plausible (non bloquant)" in index
    assert "PDF" not in index.split("<main", 1)[1].split("Données ouvertes")[0]  # pdf=False: no PDF link
    assert not list(edition.rglob("*.pdf"))


def test_pdf_has_the_page_title(edition: Path):
    pdf = edition / "portrait-cohesion-sociale.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    assert (edition / "fiches/comptabilite.pdf").read_bytes().startswith(b"%PDF")
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) is not installed: PDF text not checked")
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Portrait du secteur de la Cohésion sociale" in text
    assert f"48{NNBSP}276" in text or "48 276" in text
    fiche = subprocess.run(
        ["pdftotext", str(edition / "fiches/aide-a-domicile.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Fiche métier : Aide à domicile" in fiche
    assert "donnees/fiche_aide-a-domicile_offres.csv" in fiche


def _chromium(args: list[str], profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={profile}",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get install chromium)")
def test_index_in_headless_chromium(edition: Path, tmp_path: Path):
    url = (edition / "index.html").as_uri()
    dom = _chromium(["--dump-dom", url], tmp_path / "profile").stdout
    assert "<title>Portrait du secteur de la Cohésion sociale" in dom
    assert '<a href="fiches/aide-a-domicile.html">Aide à domicile</a>' in dom
    assert '<a href="fiches/comptabilite.html">Comptabilité</a>' in dom
    assert "20261126T041800" in dom
    fiche = _chromium(
        ["--dump-dom", (edition / "fiches/aide-a-domicile.html").as_uri()], tmp_path / "profile"
    ).stdout
    assert f"12{NNBSP}345" in fiche  # a key figure card
    assert f"8{NNBSP}120" in fiche
    assert "Télécharger les données (CSV)" in fiche
    shot = tmp_path / "portrait.png"
    _chromium(
        [
            "--window-size=1100,1600",
            "--hide-scrollbars",
            f"--screenshot={shot}",
            (edition / "portrait-cohesion-sociale.html").as_uri(),
        ],
        tmp_path / "profile",
    )
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000


def test_failure_midway_leaves_nothing(tmp_path: Path, monkeypatch):
    publication_dir = tmp_path / "publication"
    first = write_edition(
        publication_dir, _content(), edition_id="20260101T000000", generated_at=GENERATED_AT, pdf=False
    )
    switch_latest(publication_dir, first.name)

    # A value the CSV writer refuses: the error names the file, the line and the field.
    broken = _content(fiche_rows=[("CDI", 8120, 1.0), ("CDD", {"oops": 1}, 0.5)])
    with pytest.raises(PublicationError, match=r"fiche_aide-a-domicile_offres\.csv, line 3, field 'offres'"):
        write_edition(
            publication_dir, broken, edition_id="20260102T000000", generated_at=GENERATED_AT, pdf=False
        )
    assert _leftovers(publication_dir) == ["20260101T000000"]

    # The PDF step fails after the CSV and the first pages were written.
    calls = []

    def failing_pdf(html, base_url, target):
        calls.append(target)
        if len(calls) == 2:
            raise RuntimeError("pango crashed")
        Path(target).write_bytes(b"%PDF-fake")

    monkeypatch.setattr(pub, "render_pdf", failing_pdf)
    with pytest.raises(RuntimeError, match="pango crashed"):
        write_edition(publication_dir, _content(), edition_id="20260102T000000", generated_at=GENERATED_AT)
    assert len(calls) == 2
    assert _leftovers(publication_dir) == ["20260101T000000"]
    assert current_latest(publication_dir) == "20260101T000000"
    assert (publication_dir / "latest" / "index.html").is_file()


def test_refusals(tmp_path: Path):
    publication_dir = tmp_path / "publication"
    write_edition(
        publication_dir, _content(), edition_id="20260101T000000", generated_at=GENERATED_AT, pdf=False
    )
    with pytest.raises(PublicationError, match="already exists"):
        write_edition(
            publication_dir, _content(), edition_id="20260101T000000", generated_at=GENERATED_AT, pdf=False
        )
    with pytest.raises(PublicationError, match="time zone"):
        write_edition(
            publication_dir,
            _content(),
            edition_id="20260103T000000",
            generated_at=datetime(2026, 1, 3),
            pdf=False,
        )
    with pytest.raises(PublicationError, match="YYYYMMDDTHHMMSS"):
        write_edition(publication_dir, _content(), edition_id="../evil", generated_at=GENERATED_AT, pdf=False)
    short_row = _content(fiche_rows=[("CDI", 8120)])
    with pytest.raises(
        PublicationError, match=r"fiche_aide-a-domicile_offres\.csv, line 2: 2 values for 3 columns"
    ):
        write_edition(
            publication_dir, short_row, edition_id="20260104T000000", generated_at=GENERATED_AT, pdf=False
        )
    with pytest.raises(PublicationError, match="not complete or does not exist"):
        switch_latest(publication_dir, "20991231T000000")
    assert _leftovers(publication_dir) == ["20260101T000000"]
    assert current_latest(publication_dir) is None


def test_switch_latest_is_atomic_and_keeps_older_editions(tmp_path: Path, monkeypatch):
    publication_dir = tmp_path / "publication"
    assert current_latest(publication_dir) is None
    first = write_edition(
        publication_dir, _content(), edition_id="20260101T000000", generated_at=GENERATED_AT, pdf=False
    )
    assert not (publication_dir / "latest").exists()  # write_edition never touches latest
    switch_latest(publication_dir, first.name)
    latest = publication_dir / "latest"
    assert latest.is_symlink() and str(latest.readlink()) == "editions/20260101T000000"  # relative
    assert current_latest(publication_dir) == "20260101T000000"
    first_files = {p: (first / p).read_bytes() for p in _files(first)}

    second = write_edition(
        publication_dir, _content(), edition_id="20260102T000000", generated_at=GENERATED_AT, pdf=False
    )
    assert current_latest(publication_dir) == "20260101T000000"

    # The switch is one rename over the old link: latest is never missing, never half-pointed.
    seen = []
    real_replace = pub.os.replace

    def spying_replace(src, dst):
        seen.append((Path(src).is_symlink(), current_latest(publication_dir)))
        real_replace(src, dst)

    monkeypatch.setattr(pub.os, "replace", spying_replace)
    switch_latest(publication_dir, second.name)
    assert seen == [(True, "20260101T000000")]
    assert current_latest(publication_dir) == "20260102T000000"
    assert json.loads((latest / "manifest.json").read_text())["edition"] == "20260102T000000"
    assert sorted(p.name for p in publication_dir.iterdir()) == ["editions", "latest"]  # no temp link left
    assert {p: (first / p).read_bytes() for p in _files(first)} == first_files  # first edition intact


def test_latest_survives_a_moved_publication_dir(tmp_path: Path):
    publication_dir = tmp_path / "a"
    write_edition(
        publication_dir, _content(), edition_id="20260101T000000", generated_at=GENERATED_AT, pdf=False
    )
    switch_latest(publication_dir, "20260101T000000")
    moved = publication_dir.rename(tmp_path / "b")
    assert (moved / "latest" / "index.html").is_file()  # the link is relative


def test_number_formatting_rules():
    assert pub.format_cell(48276, "offres") == f"48{NNBSP}276"
    assert pub.format_cell(-1234567, "solde") == f"−1{NNBSP}234{NNBSP}567"
    assert pub.format_cell(0.764, "part_cdi") == f"76{NBSP}%"
    assert pub.format_cell(0.001, "taux_x") == f"<{NBSP}1{NBSP}%"
    assert pub.format_cell(0.0, "taux_x") == f"0{NBSP}%"
    assert pub.format_cell(1234.56, "salaire_moyen") == f"1{NNBSP}234,6"
    assert pub.format_cell(2025, "annee") == "2025"
    assert pub.format_cell(None, "offres") == "—"
    assert pub.format_cell(True, "alternance") == "oui"
    assert pub.format_cell(date(2025, 2, 1), "mois") == "février 2025"
    assert pub.format_cell(date(2025, 2, 1), "date_debut") == "01/02/2025"
    assert pub.csv_value(1e-7, table="t", row=0, column="c") == "0.0000001"
    assert pub.csv_value(3.0, table="t", row=0, column="c") == "3"
    assert pub.csv_value(Decimal("12.50"), table="t", row=0, column="c") == "12.50"
