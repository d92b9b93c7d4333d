"""The publication writer on a small hand-made spec: edition layout, manifest, CSV bytes, open data
(datapackage.json validated by frictionless, workbook), French figures, "s" for secret cells, PDF text."""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from orchestration.lib import editions
from orchestration.lib.open_data import PublishedTable, csv_text, neutralise
from orchestration.lib.publication import EditionContent, PageContent, PublicationError, write_edition
from orchestration.lib.publication_spec import ColumnSpec, TableSpec

PARIS_WINTER = timezone(timedelta(hours=1))
GENERATED_AT = datetime(2026, 11, 26, 4, 18, 0, tzinfo=PARIS_WINTER)
NNBSP = "\u202f"  # narrow no-break space, thousands separator
NBSP = "\u00a0"


def _col(name, data_type, label, fmt, masked_by=(), counts=None, unit=None):
    return ColumnSpec(name, data_type, label, f"Définition de {label}.", fmt, unit, tuple(masked_by), counts)


CHIFFRES = TableSpec(
    model="pub_portrait_chiffres_cles",
    title="Chiffres clés du secteur",
    description="Employeurs adhérents et contrats, par année.",
    page="portrait",
    order=10,
    source="Uniformation",
    unit="contrats",
    primary_key=("annee",),
    columns=(
        _col("annee", "integer", "Année", "year"),
        _col("nb_salaries", "bigint", "Salariés", "integer", ["statut_adherents"], "people"),
        _col("part_femmes", "double", "Part de femmes", "percent", ["statut_adherents"]),
        _col("nb_contrats", "bigint", "Contrats", "integer", ["statut_contrats"], "people"),
        _col("evolution", "bigint", "Évolution", "signed_integer", ["statut_contrats"]),
        _col("age_median", "double", "Âge médian", "decimal1", ["statut_contrats"]),
        _col("statut_adherents", "varchar", "Statut (adhérents)", "status"),
        _col("statut_contrats", "varchar", "Statut (contrats)", "status"),
    ),
    chart={"kind": "bar", "x": "annee", "y": "nb_contrats"},
)
FICHE_OFFRES = TableSpec(
    model="pub_fiche_offres_mensuel",
    title="Offres d'emploi par mois",
    description="Offres créées chaque mois.",
    page="fiche",
    order=10,
    source="France Travail",
    unit="offres",
    primary_key=("fiche_id", "mois"),
    columns=(
        _col("fiche_id", "varchar", "Fiche", "code"),
        _col("mois", "date", "Mois", "month"),
        _col("nb_offres", "bigint", "Offres", "integer"),
        _col("intitule_exemple", "varchar", "Intitulé", "text"),
    ),
    chart={"kind": "line", "x": "mois", "y": "nb_offres"},
)
FICHES = TableSpec(
    model="pub_fiches_metiers",
    title="Les fiches métiers",
    description="Les fiches.",
    page="reference",
    order=0,
    source="Observatoire",
    unit="fiches",
    primary_key=("fiche_id",),
    columns=(
        _col("fiche_id", "varchar", "Fiche", "code"),
        _col("libelle_fiche", "varchar", "Intitulé", "text"),
    ),
)


def _tables() -> dict[str, PublishedTable]:
    return {
        "portrait_chiffres_cles": PublishedTable(
            CHIFFRES,
            [
                (2022, 48276, 0.7601, 120, None, 38.0, "publie", "publie"),
                (2023, 48955, 0.764, None, None, None, "publie", "secret"),
            ],
        ),
        "fiche_offres_mensuel": PublishedTable(
            FICHE_OFFRES,
            [
                ("aide-a-domicile", date(2025, 1, 1), 8120, '=HYPERLINK("x")'),
                ("aide-a-domicile", date(2025, 2, 1), 7990, "Aide à domicile"),
                ("comptabilite", date(2025, 1, 1), 312, "-20 % sur les frais"),
            ],
        ),
        "fiches_metiers": PublishedTable(
            FICHES, [("aide-a-domicile", "Aide à domicile"), ("comptabilite", "Comptabilité")]
        ),
    }


def _content(tables: dict[str, PublishedTable] | None = None) -> EditionContent:
    tables = tables or _tables()
    return EditionContent(
        region_label="Pays de la Loire",
        portrait=PageContent(
            "portrait-cohesion-sociale.html",
            "Portrait du secteur de la Cohésion sociale",
            [("Salariés (2023)", f"48{NNBSP}955")],
            [tables["portrait_chiffres_cles"]],
        ),
        fiches=[
            PageContent(
                f"fiches/{fiche}.html",
                f"Fiche métier : {title}",
                [],
                [tables["fiche_offres_mensuel"].where(fiche_id=fiche)],
            )
            for fiche, title in (("aide-a-domicile", "Aide à domicile"), ("comptabilite", "Comptabilité"))
        ],
        tables=tables,
        inputs=[
            {"origin": "depot", "path": "francetravail/offres.jsonl", "sha256": "ab" * 32, "rows": 99279}
        ],
        checks=[{"asset": "marts/offres", "name": "not_null_id", "passed": True, "blocking": True}],
        code_version="0.1.0+abc1234",
        secrecy={"min_people": 5, "min_employers": 3, "dominance": 0.85},
    )


@pytest.fixture(scope="module")
def edition(tmp_path_factory) -> Path:
    """One complete edition with PDFs and charts, shared by the read-only tests."""
    publication_dir = tmp_path_factory.mktemp("publication")
    return write_edition(publication_dir, _content(), edition_id="20261126T041800", generated_at=GENERATED_AT)


def test_the_edition_holds_pages_open_data_and_a_manifest_that_lists_them(edition: Path):
    files = sorted(p.relative_to(edition).as_posix() for p in edition.rglob("*") if p.is_file())
    assert files == [
        "changements.html",
        "changements.json",
        "datapackage.json",
        "donnees/dictionnaire.html",
        "donnees/fiche_offres_mensuel.csv",
        "donnees/fiches_metiers.csv",
        "donnees/portrait_chiffres_cles.csv",
        "fiches/aide-a-domicile.html",
        "fiches/aide-a-domicile.pdf",
        "fiches/comptabilite.html",
        "fiches/comptabilite.pdf",
        "index.html",
        "manifest.json",
        "observatoire.xlsx",
        "portrait-cohesion-sociale.html",
        "portrait-cohesion-sociale.pdf",
        "qualite.html",
        "qualite.json",
    ]
    manifest = json.loads((edition / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["edition"] == "20261126T041800"
    assert manifest["generated_at"] == "2026-11-26T04:18:00+01:00"
    assert manifest["outputs"] == files
    assert manifest["inputs"][0]["path"] == "francetravail/offres.jsonl"  # relative to its folder
    # 2023's contracts are secret: nb_contrats, evolution and age_median are hidden there
    assert manifest["secret_statistique"]["cellules_masquees"] == {
        "fiche_offres_mensuel": 0,
        "fiches_metiers": 0,
        "portrait_chiffres_cles": 3,
    }
    assert manifest["secret_statistique"]["seuils"]["min_people"] == 5


def test_csv_bytes_are_raw_values_with_fixed_precision_and_no_formula(edition: Path):
    text = (edition / "donnees/portrait_chiffres_cles.csv").read_text(encoding="utf-8")
    assert text.splitlines() == [
        "annee,nb_salaries,part_femmes,nb_contrats,evolution,age_median,statut_adherents,statut_contrats",
        "2022,48276,0.7601,120,,38.00,publie,publie",
        "2023,48955,0.7640,,,,publie,secret",
    ]
    rows = list(csv.DictReader((edition / "donnees/fiche_offres_mensuel.csv").open(encoding="utf-8")))
    assert rows[0]["mois"] == "2025-01-01"
    assert rows[0]["intitule_exemple"] == '\'=HYPERLINK("x")'
    assert rows[2]["intitule_exemple"] == "'-20 % sur les frais"
    # the same tables give the same bytes
    assert csv_text(_tables()["portrait_chiffres_cles"]) == text


def test_neutralise_only_what_a_spreadsheet_would_run():
    assert [neutralise(t) for t in ("=1+1", "+33 6", "-x", "@SUM", "Aide", "")] == [
        "'=1+1",
        "'+33 6",
        "'-x",
        "'@SUM",
        "Aide",
        "",
    ]


def test_the_datapackage_describes_every_csv_and_frictionless_validates_them(edition: Path):
    from frictionless import validate

    package = json.loads((edition / "datapackage.json").read_text(encoding="utf-8"))
    resource = next(r for r in package["resources"] if r["path"] == "donnees/portrait_chiffres_cles.csv")
    fields = {f["name"]: f for f in resource["schema"]["fields"]}
    assert fields["part_femmes"]["type"] == "number" and fields["part_femmes"]["title"] == "Part de femmes"
    assert fields["statut_contrats"]["constraints"]["enum"] == ["publie", "secret"]
    assert fields["nb_contrats"]["masked_by"] == ["statut_contrats"]
    assert resource["schema"]["primaryKey"] == ["annee"] and resource["schema"]["missingValues"] == [""]
    report = validate(str(edition / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])


def test_the_workbook_has_every_table_with_text_as_text(edition: Path):
    import openpyxl

    workbook = openpyxl.load_workbook(edition / "observatoire.xlsx")
    assert workbook.sheetnames == [
        "sommaire",
        "fiche_offres_mensuel",
        "fiches_metiers",
        "portrait_chiffres_cles",
    ]
    sheet = workbook["fiche_offres_mensuel"]
    assert [c.value for c in sheet[1]] == ["Fiche", "Mois", "Offres", "Intitulé"]
    assert sheet["D3"].value == '\'=HYPERLINK("x")' and sheet["D3"].data_type == "s"
    chiffres = workbook["portrait_chiffres_cles"]
    assert chiffres["D4"].value is None  # a secret value stays empty
    assert chiffres["H4"].value == "secret"


def test_pages_show_french_figures_and_s_for_secret_cells(edition: Path):
    portrait = (edition / "portrait-cohesion-sociale.html").read_text(encoding="utf-8")
    assert '<html lang="fr">' in portrait
    assert f">48{NNBSP}276<" in portrait and f">76{NBSP}%<" in portrait and ">38,0<" in portrait
    assert '<abbr title="secret statistique">s</abbr>' in portrait
    assert "Secret statistique" in portrait and "moins de 5 personnes" in portrait
    assert "statut_contrats" not in portrait.split("<main", 1)[1].split("Secret statistique")[0]
    assert "<svg" in portrait  # the chart is inline
    fiche = (edition / "fiches/aide-a-domicile.html").read_text(encoding="utf-8")
    assert ">janvier 2025<" in fiche and f">8{NNBSP}120<" in fiche
    assert ">312<" not in fiche  # another fiche's rows stay on its page
    assert 'href="../donnees/fiche_offres_mensuel.csv"' in fiche
    for page in (portrait, fiche, (edition / "index.html").read_text(encoding="utf-8")):
        # Nothing is fetched from anywhere: no external stylesheet, script, font or image.
        assert "https://" not in page and "<script" not in page and "<link" not in page


def test_the_dictionary_defines_every_column(edition: Path):
    dictionary = (edition / "donnees/dictionnaire.html").read_text(encoding="utf-8")
    for table in _tables().values():
        for column in table.spec.columns:
            assert f"<code>{column.name}</code>" in dictionary
    assert "Définition de Part de femmes." in dictionary


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="pdftotext is installed by .ci/run")
def test_pdf_text_has_the_title_and_the_figures(edition: Path):
    text = subprocess.run(
        ["pdftotext", str(edition / "portrait-cohesion-sociale.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "Portrait du secteur de la Cohésion sociale" in text
    assert f"48{NNBSP}276" in text or "48 276" in text
    assert "Secret statistique" in text


def test_a_failure_while_writing_leaves_no_edition(tmp_path: Path):
    broken = _tables()
    broken["portrait_chiffres_cles"] = PublishedTable(
        CHIFFRES, [(2022, float("inf"), 0.5, 1, None, None, "publie", "publie")]
    )
    with pytest.raises(
        ValueError, match=r"portrait_chiffres_cles.csv, line 2, field 'nb_salaries': infinite"
    ):
        write_edition(
            tmp_path, _content(broken), edition_id="20260101T000000", generated_at=GENERATED_AT, pdf=False
        )
    assert editions.scan(tmp_path).editions == []
    assert not [p for p in (tmp_path / "editions").iterdir() if not p.name.startswith(".")]


def test_a_naive_generation_time_is_refused(tmp_path: Path):
    with pytest.raises(PublicationError, match="time zone"):
        write_edition(tmp_path, _content(), edition_id="20260101T000000", generated_at=datetime(2026, 1, 1))
