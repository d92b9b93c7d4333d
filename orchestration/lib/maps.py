"""A map of the région's départements, as an inline SVG figure that needs nothing but the page itself.

The outlines are the official ones shipped with the project (IGN – Admin Express, Licence Ouverte, see
``seeds/reference/official/SOURCES.md``), projected in Lambert-93 (the official French projection) and
simplified to the drawing's resolution; shared borders are simplified once, so neighbours still touch.
Drawn without altair/vl-convert: a few SVG paths, crisp at any size, identical in Chromium and WeasyPrint.

A secret value (secret statistique) is hatched and labelled "s", a missing one is grey and labelled "—",
and the legend says so; the figures are also in a visually hidden table for screen readers.

Pure Python: no Dagster import, no environment lookup.
"""

from __future__ import annotations

import hashlib
import html
import json
import math
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from orchestration.lib.french import format_number_fr

OUTLINES = (
    Path(__file__).resolve().parents[2]
    / "seeds"
    / "reference"
    / "official"
    / "geo"
    / "departements-pays-de-la-loire.geojson"
)
BASEMAP_SOURCE = "fond de carte IGN – Admin Express"
SECRET_LABEL = "s"
MISSING_LABEL = "—"

# Drawing units (pixels at 100 %); the SVG scales down with its container.
MAP_WIDTH = 480
MARGIN = 8
TOLERANCE = 0.4  # simplification, in drawing units: below what a screen or A4 print shows
MIN_RING_AREA = 3.0  # islets smaller than this (square units) are not drawn
# Light to dark blue (ColorBrewer "Blues"), interpolated linearly between the smallest and largest value.
RAMP = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c")
MISSING_DOTS = "#8c8c8c"  # a missing value: grey dots on white, unlike any colour of the scale
HATCH = "#7a7a7a"
BORDER = "#4d4d4d"
INK = "#1e1e1e"
FONT = "DejaVu Sans, Arial, Helvetica, sans-serif"
# Labels sit at the centroid of a département's main outline, except where that crowds a border.
LABEL_NUDGES = {"49": (16.0, 4.0)}

# Lambert-93 (EPSG:2154): conformal conic on GRS80, standard parallels 44° and 49° N.
_GRS80_A = 6378137.0
_GRS80_E = 0.0818191910428158
_LAMBERT93 = {"lat1": 44.0, "lat2": 49.0, "lat0": 46.5, "lon0": 3.0, "x0": 700000.0, "y0": 6600000.0}

_VISUALLY_HIDDEN = (
    "position:absolute;width:1px;height:1px;padding:0;margin:-1px;overflow:hidden;"
    "clip:rect(0,0,0,0);white-space:nowrap;border:0"
)


class MapError(ValueError):
    """The values cannot be drawn on the outlines (unknown code, file not as expected)."""


# --------------------------------------------------------------------------------------------------
# Geometry


def _lambert93(lon: float, lat: float) -> tuple[float, float]:
    p = _LAMBERT93
    e = _GRS80_E

    def m(phi: float) -> float:
        return math.cos(phi) / math.sqrt(1 - (e * math.sin(phi)) ** 2)

    def t(phi: float) -> float:
        return math.tan(math.pi / 4 - phi / 2) / ((1 - e * math.sin(phi)) / (1 + e * math.sin(phi))) ** (
            e / 2
        )

    phi1, phi2, phi0 = (math.radians(p[k]) for k in ("lat1", "lat2", "lat0"))
    n = (math.log(m(phi1)) - math.log(m(phi2))) / (math.log(t(phi1)) - math.log(t(phi2)))
    f = m(phi1) / (n * t(phi1) ** n)
    rho0 = _GRS80_A * f * t(phi0) ** n
    rho = _GRS80_A * f * t(math.radians(lat)) ** n
    theta = n * math.radians(lon - p["lon0"])
    return p["x0"] + rho * math.sin(theta), p["y0"] + rho0 - rho * math.cos(theta)


def _simplify(points: list[tuple[float, float]], tolerance: float) -> list[tuple[float, float]]:
    """Douglas-Peucker on an open polyline; keeps both ends (a run is simplified the same either way)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        worst, index = -1.0, None
        for i in range(first + 1, last):
            x, y = points[i]
            d = abs(dy * (x - x1) - dx * (y - y1)) / norm if norm else math.hypot(x - x1, y - y1)
            if d > worst:
                worst, index = d, i
        if index is not None and worst > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [pt for pt, k in zip(points, keep, strict=True) if k]


def _ring_area(ring: list[tuple[float, float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def _centroid(ring: list[tuple[float, float]]) -> tuple[float, float]:
    area = _ring_area(ring)
    cx = cy = 0.0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        cross = x1 * y2 - x2 * y1
        cx += (x1 + x2) * cross
        cy += (y1 + y2) * cross
    return cx / (6 * area), cy / (6 * area)


@dataclass(frozen=True)
class Departement:
    code: str
    name: str
    path: str  # SVG path data in drawing units
    label_at: tuple[float, float]


@dataclass(frozen=True)
class Basemap:
    departements: list[Departement]  # in the file's order
    width: float
    height: float


@lru_cache(maxsize=4)
def load_basemap(outlines: Path = OUTLINES, width: float = MAP_WIDTH) -> Basemap:
    """The départements of a GeoJSON FeatureCollection (properties ``code``, ``nom``), projected, fitted in
    ``width`` drawing units and simplified (shared borders once, so neighbours keep touching)."""
    try:
        collection = json.loads(Path(outlines).read_text(encoding="utf-8"))
        features = collection["features"]
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise MapError(f"{outlines}: not a GeoJSON FeatureCollection ({error})") from None
    shapes: list[tuple[str, str, list[list[list[tuple[float, float]]]]]] = []
    for n, feature in enumerate(features):
        props, geometry = feature.get("properties") or {}, feature.get("geometry") or {}
        if "code" not in props or "nom" not in props:
            raise MapError(f"{outlines}, feature {n}: properties 'code' and 'nom' are required")
        kind = geometry.get("type")
        if kind not in ("Polygon", "MultiPolygon"):
            raise MapError(f"{outlines}, feature {n} ({props['code']}): geometry {kind!r} is not a polygon")
        polygons = geometry["coordinates"] if kind == "MultiPolygon" else [geometry["coordinates"]]
        rings = [
            [[_lambert93(lon, lat) for lon, lat, *_ in ring] for ring in polygon] for polygon in polygons
        ]
        shapes.append((str(props["code"]), str(props["nom"]), rings))

    xs = [x for *_, rings in shapes for poly in rings for ring in poly for x, _ in ring]
    ys = [y for *_, rings in shapes for poly in rings for ring in poly for _, y in ring]
    scale = (width - 2 * MARGIN) / (max(xs) - min(xs))
    height = (max(ys) - min(ys)) * scale + 2 * MARGIN
    left, top = min(xs), max(ys)

    def to_drawing(pt: tuple[float, float]) -> tuple[float, float]:
        return (MARGIN + (pt[0] - left) * scale, MARGIN + (top - pt[1]) * scale)

    # Which départements each vertex belongs to: a run of vertices with the same owners is one border,
    # simplified between its two ends, identically in both départements that share it.
    owners: dict[tuple[float, float], set[str]] = {}
    for code, _, rings in shapes:
        for poly in rings:
            for ring in poly:
                for pt in ring:
                    owners.setdefault(pt, set()).add(code)

    def simplify_ring(ring: list[tuple[float, float]]) -> list[tuple[float, float]]:
        ring = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
        size = len(ring)
        fixed = [
            i
            for i in range(size)
            if owners[ring[i]] != owners[ring[i - 1]] or owners[ring[i]] != owners[ring[(i + 1) % size]]
        ]
        if not fixed:
            far = max(range(size), key=lambda i: math.dist(ring[0], ring[i]))
            fixed = [0, far] if far else [0]
        out: list[tuple[float, float]] = []
        for a, b in zip(fixed, [*fixed[1:], fixed[0] + size], strict=True):
            run = [ring[i % size] for i in range(a, b + 1)]
            out += [to_drawing(pt) for pt in _simplify(run, TOLERANCE / scale)][:-1]
        return out

    departements = []
    for code, name, rings in shapes:
        parts: list[str] = []
        largest: list[tuple[float, float]] = []
        for poly in rings:
            for ring in poly:
                drawn = simplify_ring(ring)
                if len(drawn) < 3 or abs(_ring_area(drawn)) < MIN_RING_AREA:
                    continue
                if abs(_ring_area(drawn)) > abs(_ring_area(largest)) if largest else True:
                    largest = drawn
                parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in drawn) + "Z")
        if not largest:
            raise MapError(f"{outlines}: département {code} has no outline large enough to draw")
        departements.append(Departement(code, name, "".join(parts), _centroid(largest)))
    return Basemap(departements, float(width), round(height, 1))


# --------------------------------------------------------------------------------------------------
# Values and colours


def _rgb(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def ramp_colour(share: float) -> str:
    """The colour at ``share`` (0 to 1) along the ramp."""
    share = min(max(share, 0.0), 1.0) * (len(RAMP) - 1)
    low = min(int(share), len(RAMP) - 2)
    a, b = _rgb(RAMP[low]), _rgb(RAMP[low + 1])
    t = share - low
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def text_colour(fill: str) -> str:
    """Dark or white text, whichever contrasts more with the fill (WCAG contrast ratio)."""
    lum = _luminance(fill)
    dark = (lum + 0.05) / (_luminance(INK) + 0.05)
    light = 1.05 / (lum + 0.05)
    return INK if dark >= light else "#ffffff"


# --------------------------------------------------------------------------------------------------
# Rendering


def _legend(
    prefix: str,
    unit: str,
    low: str | None,
    high: str | None,
    secret: bool,
    missing: bool,
    top: float,
    width: float,
) -> tuple[str, float]:
    e = html.escape
    parts = [f'<g class="legende" transform="translate({MARGIN},{top:.1f})" font-size="13">']
    y = 0.0
    if low is not None:
        parts.append(f'<text x="0" y="12" fill="{INK}">{e(unit)}</text>')
        bar = min(200.0, width - 2 * MARGIN)
        parts.append(
            f'<rect x="0" y="18" width="{bar:.0f}" height="12" fill="url(#{prefix}-rampe)" stroke="{BORDER}" '
            'stroke-width="0.5"/>'
        )
        parts.append(f'<text x="0" y="44" fill="{INK}">{e(low)}</text>')
        parts.append(f'<text x="{bar:.0f}" y="44" text-anchor="end" fill="{INK}">{e(high)}</text>')
        y = 54.0
    for shown, fill, text in (
        (secret, f"url(#{prefix}-secret)", f"{SECRET_LABEL} : secret statistique"),
        (missing, f"url(#{prefix}-absente)", f"{MISSING_LABEL} : donnée non disponible"),
    ):
        if shown:
            parts.append(
                f'<rect x="0" y="{y + 2:.0f}" width="18" height="14" fill="{fill}" stroke="{BORDER}" stroke-width="0.5"/>'
                f'<text x="26" y="{y + 13:.0f}" fill="{INK}">{e(text)}</text>'
            )
            y += 20
    parts.append("</g>")
    return "".join(parts), y


def render_departements_map(
    values: Mapping[str, float | int | Decimal | None],
    *,
    title: str,
    unit: str,
    source: str,
    secret: Collection[str] = (),
    decimals: int = 0,
    format_value: Callable[[float | int | Decimal], str] | None = None,
    id_prefix: str | None = None,
    outlines: Path = OUTLINES,
) -> str:
    """An HTML ``<figure>``: the SVG map (role="img", ``<title>``/``<desc>``), its source line and a visually
    hidden table of the values for screen readers. No script, no external resource.

    ``values``: {code département: value, or None when not available}; a département of the outlines not in
    ``values`` is drawn as not available. ``secret``: codes whose value is under statistical secrecy: drawn
    hatched with "s", whatever ``values`` holds for them (their value is neither drawn nor used for the
    colour scale, which would reveal it). ``unit`` titles the legend and the table's value column (e.g.
    "Offres d'emploi, 2024"). ``source`` is the data's source (the basemap's is added).
    """
    basemap = load_basemap(Path(outlines))
    known = {d.code for d in basemap.departements}
    unknown = sorted(set(values) - known) + sorted(set(secret) - known)
    if unknown:
        raise MapError(
            f"map {title!r}: département code(s) {', '.join(map(repr, unknown))} not in the outlines "
            f"({', '.join(sorted(known))})"
        )
    fmt = format_value or (lambda v: format_number_fr(v, decimals))
    shown = {
        code: float(v)
        for code, v in values.items()
        if code not in secret and v is not None and not (isinstance(v, float) and math.isnan(v))
    }
    low, high = (min(shown.values()), max(shown.values())) if shown else (None, None)
    prefix = id_prefix or "carte-" + hashlib.sha1(title.encode("utf-8")).hexdigest()[:8]
    e = html.escape

    shapes, labels, rows, states = [], [], [], []
    for d in basemap.departements:
        if d.code in secret:
            state, fill, label, spoken = (
                "secret",
                f"url(#{prefix}-secret)",
                SECRET_LABEL,
                "secret statistique",
            )
            ink = INK
        elif d.code in shown:
            value = shown[d.code]
            share = 0.5 if high == low else (value - low) / (high - low)
            state, fill, label = "valeur", ramp_colour(share), fmt(values[d.code])
            spoken, ink = label, text_colour(ramp_colour(share))
        else:
            state, fill, label, spoken, ink = (
                "absente",
                f"url(#{prefix}-absente)",
                MISSING_LABEL,
                "donnée non disponible",
                INK,
            )
        states.append(state)
        data_value = f' data-valeur="{e(str(values[d.code]))}"' if state == "valeur" else ""
        shapes.append(
            f'<path d="{d.path}" fill="{fill}" fill-rule="evenodd" stroke="{BORDER}" stroke-width="0.7" '
            f'stroke-linejoin="round" data-code="{e(d.code)}" data-etat="{state}"{data_value}/>'
        )
        dx, dy = LABEL_NUDGES.get(d.code, (0.0, 0.0)) if Path(outlines) == OUTLINES else (0.0, 0.0)
        x, y = d.label_at[0] + dx, d.label_at[1] + dy
        halo = ""
        if state != "valeur":  # a white plate keeps the label legible on the hatching
            w = max(len(d.name), len(label)) * 8.6 + 10
            halo = f'<rect x="{x - w / 2:.1f}" y="{y - 19:.1f}" width="{w:.1f}" height="42" rx="3" fill="#ffffff" fill-opacity="0.9"/>'
        labels.append(
            f'{halo}<text x="{x:.1f}" y="{y - 3:.1f}" text-anchor="middle" fill="{ink}" data-code="{e(d.code)}">'
            f'<tspan x="{x:.1f}" font-size="14" font-weight="bold">{e(d.name)}</tspan>'
            f'<tspan x="{x:.1f}" dy="17" font-size="14">{e(label)}</tspan></text>'
        )
        rows.append(f'<tr><th scope="row">{e(d.name)} ({e(d.code)})</th><td>{e(spoken)}</td></tr>')

    legend, legend_height = _legend(
        prefix,
        unit,
        fmt(_caller_value(values, shown, low)) if shown else None,
        fmt(_caller_value(values, shown, high)) if shown else None,
        "secret" in states,
        "absente" in states,
        basemap.height + 4,
        basemap.width,
    )
    height = basemap.height + 4 + legend_height + 4
    stops = "".join(
        f'<stop offset="{i / (len(RAMP) - 1):.2f}" stop-color="{c}"/>' for i, c in enumerate(RAMP)
    )
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {basemap.width:.0f} {height:.0f}" '
        f'width="{basemap.width:.0f}" height="{height:.0f}" role="img" '
        f'aria-labelledby="{prefix}-titre {prefix}-desc" class="carte-departements" '
        f'style="max-width:100%;height:auto" font-family="{FONT}">'
        f'<title id="{prefix}-titre">{e(title)}</title>'
        f'<desc id="{prefix}-desc">Carte des {len(basemap.departements)} départements ; '
        "les valeurs figurent dans le tableau qui suit la carte.</desc>"
        f'<defs><pattern id="{prefix}-secret" patternUnits="userSpaceOnUse" width="6" height="6" '
        'patternTransform="rotate(45)">'
        f'<rect width="6" height="6" fill="#ffffff"/><rect width="2" height="6" fill="{HATCH}"/></pattern>'
        f'<pattern id="{prefix}-absente" patternUnits="userSpaceOnUse" width="6" height="6">'
        f'<rect width="6" height="6" fill="#ffffff"/><circle cx="3" cy="3" r="1.1" fill="{MISSING_DOTS}"/></pattern>'
        f'<linearGradient id="{prefix}-rampe" x1="0" x2="1" y1="0" y2="0">{stops}</linearGradient></defs>'
        f'<g class="departements">{"".join(shapes)}</g>'
        f'<g class="etiquettes" font-family="{FONT}">{"".join(labels)}</g>'
        f"{legend}</svg>"
    )
    return (
        f'<figure class="carte" id="{prefix}">{svg}'
        f'<figcaption class="source">Source : {e(source)} ; {BASEMAP_SOURCE}.</figcaption>'
        f'<div class="carte-donnees" style="{_VISUALLY_HIDDEN}"><table><caption>{e(title)}</caption>'
        f'<thead><tr><th scope="col">Département</th><th scope="col">{e(unit)}</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></figure>"
    )


def _caller_value(values: Mapping, shown: Mapping[str, float], bound: float):
    """The caller's own value (int, Decimal…) at a bound of the scale, so the legend formats it like a label."""
    for code, value in shown.items():
        if value == bound:
            return values[code]
    return bound
