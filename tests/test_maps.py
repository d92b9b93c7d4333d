"""The map of the région's départements: the five départements with their values, a secret value drawn
as such, a missing one as "—", a legend and a text alternative; it prints to PDF."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from orchestration.lib.maps import MapError, load_basemap, render_departements_map

VALUES = {"44": 1234, "49": 856, "53": 37, "72": None, "85": 4012}
NAMES = {
    "44": "Loire-Atlantique",
    "49": "Maine-et-Loire",
    "53": "Mayenne",
    "72": "Sarthe",
    "85": "Vendée",
}


def offers_map(**overrides) -> str:
    arguments = {
        "values": VALUES,
        "secret": {"53"},
        "title": "Offres d'emploi par département, 2024",
        "unit": "Offres d'emploi, 2024",
        "source": "France Travail, offres d'emploi",
    }
    return render_departements_map(**{**arguments, **overrides})


def svg_of(figure: str) -> str:
    return re.search(r"<svg.*</svg>", figure, flags=re.S).group(0)


def label(svg: str, code: str) -> list[str]:
    """The lines of text drawn on a département."""
    text = re.search(rf'<text [^>]*data-code="{code}">(.*?)</text>', svg).group(1)
    return re.findall(r"<tspan[^>]*>(.*?)</tspan>", text)


def test_the_map_shows_the_five_departements_with_their_values_in_french():
    svg = svg_of(offers_map())
    assert sorted(re.findall(r'<path [^>]*data-code="(\d+)"', svg)) == ["44", "49", "53", "72", "85"]
    assert label(svg, "44") == ["Loire-Atlantique", "1\u202f234"]
    assert label(svg, "49") == ["Maine-et-Loire", "856"]
    assert label(svg, "85") == ["Vendée", "4\u202f012"]
    # the darker the colour, the larger the value
    fills = {
        c: re.search(rf'fill="(#[0-9a-f]{{6}})"[^>]*data-code="{c}"', svg).group(1)
        for c in ("44", "49", "85")
    }
    assert fills["85"] == "#08519c" and fills["49"] == "#deebf7"
    assert fills["44"] not in (fills["49"], fills["85"])


def test_a_secret_value_is_drawn_as_such_and_never_shown():
    figure = offers_map()
    svg = svg_of(figure)
    assert label(svg, "53") == ["Mayenne", "s"]
    assert re.search(
        r'<path [^>]*fill="url\(#carte-[0-9a-f]+-secret\)"[^>]*data-code="53" data-etat="secret"', svg
    )
    assert "<pattern" in svg and "s : secret statistique" in svg
    text = re.sub(r"<[^>]+>", " ", figure)  # what is drawn or read: labels, legend, table
    assert "37" not in text and 'data-valeur="37"' not in figure
    # the colour scale ignores it: a secret larger than the others would show as the legend's maximum
    svg = svg_of(offers_map(values={**VALUES, "53": 99999}))
    assert "99\u202f999" not in svg and "4\u202f012" in svg


def test_a_missing_value_is_a_dash_distinct_from_the_scale():
    svg = svg_of(offers_map())
    assert label(svg, "72") == ["Sarthe", "—"]
    assert re.search(r'fill="url\(#carte-[0-9a-f]+-absente\)"[^>]*data-code="72" data-etat="absente"', svg)
    assert "— : donnée non disponible" in svg
    # a département left out of the values is not available either; no secret, no missing: no such legend
    svg = svg_of(offers_map(values={"44": 1, "49": 2, "53": 3, "85": 4}, secret=()))
    assert label(svg, "72") == ["Sarthe", "—"]
    svg = svg_of(offers_map(values={"44": 1, "49": 2, "53": 3, "72": 5, "85": 4}, secret=()))
    assert "secret statistique" not in svg and "non disponible" not in svg


def test_the_legend_gives_the_range_and_the_unit():
    svg = svg_of(offers_map())
    legend = re.search(r'<g class="legende".*?</g>', svg).group(0)
    texts = re.findall(r"<text[^>]*>(.*?)</text>", legend)
    assert texts[:3] == ["Offres d&#x27;emploi, 2024", "856", "4\u202f012"]


def test_screen_readers_get_the_title_and_every_figure():
    figure = offers_map()
    svg = svg_of(figure)
    assert 'role="img"' in svg and "<title" in svg and "aria-labelledby=" in svg
    rows = re.findall(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>', figure)
    assert rows == [
        ("Loire-Atlantique (44)", "1\u202f234"),
        ("Maine-et-Loire (49)", "856"),
        ("Mayenne (53)", "secret statistique"),
        ("Sarthe (72)", "donnée non disponible"),
        ("Vendée (85)", "4\u202f012"),
    ]
    assert "Source : France Travail, offres d&#x27;emploi ; fond de carte IGN – Admin Express." in figure


def test_the_map_makes_no_request():
    figure = offers_map()
    assert not re.search(r"<script|<image|<img|href=|@import|https?://(?!www\.w3\.org/2000/svg)", figure)


def test_an_unknown_departement_is_refused_by_name():
    with pytest.raises(MapError, match=r"'35' not in the outlines \(44, 49, 53, 72, 85\)"):
        offers_map(values={**VALUES, "35": 3})


def test_neighbours_still_touch_after_simplification():
    basemap = load_basemap()
    points = {d.code: set(re.findall(r"[\d.]+,[\d.]+", d.path)) for d in basemap.departements}
    # Loire-Atlantique and Maine-et-Loire share a long border: its simplified vertices are the same
    assert len(points["44"] & points["49"]) > 20
    assert sum(len(p) for p in points.values()) < 2500  # about 10,000 in the file


def test_the_map_prints_to_pdf_with_its_values(tmp_path):
    import weasyprint

    page = (
        '<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><title>Carte</title></head>'
        f"<body><h1>Offres par département</h1>{offers_map()}</body></html>"
    )
    target = tmp_path / "carte.pdf"
    weasyprint.HTML(string=page, base_url=str(tmp_path) + "/").write_pdf(str(target))
    text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())
    for name in NAMES.values():
        assert name in words
    assert "1 234" in words.replace("\u202f", " ") and "s : secret statistique" in words
    assert "fond de carte IGN – Admin Express" in words
    Path(target).unlink()
