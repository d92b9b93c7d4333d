"""The referentials: official files read in their published formats, and the project's curated seeds.

- France Travail ROME 4.0 "RefRomeCsv" (`unix_referentiel_code_rome_v<version>_utf8.csv`), comma
  separated, quoted. The files are UTF-8 but some lines are Windows-1252, as published: each line is
  decoded on its own, falling back to cp1252, and the number of such lines is reported.
- INSEE COG (`v_commune_*.csv` or `communes.csv`, `v_departement_*.csv`) and the zones d'emploi 2020
  communal composition (`ze2020_composition_communale*.csv`).
- Curated seeds (`seeds/reference/*.csv`): the branches, certifications and fiches métiers.

The official files shipped in `seeds/reference/official/` serve by default; `OBS_REFERENCE_DIR` points to
newer releases in the same formats. Each reader raises `ReferentialMissing` (a FileNotFoundError) naming
the expected file pattern when the folder lacks it. When several files match (two versions), the last
one in name order is read and a warning says so.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from orchestration.lib.spreadsheets import decode_line, header_key

# raw table → its columns (all text); the official readers give the same columns as the seeds did.
REFERENTIALS: dict[str, list[str]] = {
    "ref_rome_codes": ["code_rome", "libelle_rome", "code_rome_parent"],
    "ref_communes": [
        "code_commune",
        "libelle_commune",
        "code_departement",
        "code_region",
        "code_zone_emploi",
        "libelle_zone_emploi",
    ],
    "ref_departements": ["code_departement", "libelle_departement", "code_region"],
    "ref_branches": ["code_branche", "libelle_branche", "synonymes"],
    "ref_certifications": [
        "code_certification",
        "intitule_certification",
        "niveau",
        "formacode",
        "domaine_formacode",
        "codes_rome",
    ],
    "ref_fiches_metiers": ["fiche_id", "libelle_fiche", "code_rome", "branches"],
    "ref_naf_secteur": ["code_naf", "libelle_naf"],
}
OFFICIAL = ("ref_rome_codes", "ref_communes", "ref_departements")
CURATED = ("ref_branches", "ref_certifications", "ref_fiches_metiers", "ref_naf_secteur")


class ReferentialMissing(FileNotFoundError):
    """The folder has no file of the expected pattern."""


class ReferentialInvalid(ValueError):
    """The file exists but lacks a column we need."""


class RefRows(list):
    """A list of row dicts that also carries what was noticed while reading."""

    def __init__(self, rows=(), *, source_file: Path | None = None, cp1252_lines: int = 0, warnings=None):
        super().__init__(rows)
        self.source_file = source_file
        self.cp1252_lines = cp1252_lines
        self.warnings: list[str] = list(warnings or [])


@dataclass
class CommunesResult:
    rows: list[dict]
    warnings: list[str] = field(default_factory=list)
    # Communes left without a zone d'emploi: {"code_commune", "libelle_commune", "reason"}.
    unresolved: list[dict] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Files


def find_file(folder: Path | str, patterns: tuple[str, ...], what: str) -> tuple[Path, list[str]]:
    """The file of `folder` (or, failing that, of its subfolders) matching the first pattern that
    matches; the last in name order when several do (the highest version number)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise ReferentialMissing(f"referential folder not found: {folder} (looking for {what})")
    # The folder itself first, then its subfolders (e.g. a reference folder with rome/ and cog/).
    searches = [(pattern, folder.glob(pattern)) for pattern in patterns]
    searches += [(pattern, folder.glob(f"**/{pattern}")) for pattern in patterns]
    for pattern, found in searches:
        matches = sorted(p for p in found if p.is_file())
        if matches:
            warnings = []
            if len(matches) > 1:
                others = ", ".join(p.name for p in matches[:-1])
                warnings.append(
                    f"{len(matches)} files match {pattern!r}: read {matches[-1].name}, ignored {others}"
                )
            return matches[-1], warnings
    expected = " or ".join(repr(p) for p in patterns)
    raise ReferentialMissing(f"no file matching {expected} in {folder} ({what})")


def _read_csv(path: Path) -> tuple[Iterator[dict], list[int]]:
    """Rows as dicts keyed by `header_key()` of each header; counter[0] = lines decoded as cp1252."""
    counter = [0]

    def lines() -> Iterator[str]:
        with open(path, "rb") as handle:
            first = True
            for raw in handle:
                if first and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                first = False
                text, fallback = decode_line(raw)
                counter[0] += fallback
                yield text

    def rows() -> Iterator[dict]:
        source = lines()
        head = next(source, "")
        sep = max((",", ";", "\t"), key=head.count)
        names = [header_key(n) for n in next(csv.reader([head], delimiter=sep), [])]
        for cells in csv.reader(source, delimiter=sep):
            if not any(c.strip() for c in cells):
                continue
            yield {names[i]: cells[i].strip() for i in range(min(len(names), len(cells)))}

    return rows(), counter


def _require(path: Path, row: dict, names: tuple[str, ...]) -> None:
    missing = [n for n in names if n not in row]
    if missing:
        raise ReferentialInvalid(f"missing column {', '.join(missing)} in {path}")


def _read_table(folder, patterns, what, out_columns: dict[str, tuple[str, ...]]) -> RefRows:
    """Read a referential file, renaming columns: out name → accepted header keys (first found)."""
    path, warnings = find_file(folder, patterns, what)
    source, counter = _read_csv(path)
    rows = []
    chosen: dict[str, str] | None = None
    for raw in source:
        if chosen is None:
            chosen = {}
            for out, accepted in out_columns.items():
                key = next((k for k in accepted if k in raw), None)
                if key is None:
                    raise ReferentialInvalid(f"missing column {accepted[0]!r} in {path}")
                chosen[out] = key
        rows.append({out: raw.get(key, "") or None for out, key in chosen.items()})
    if counter[0]:
        warnings.append(f"{counter[0]} lines of {path.name} decoded as Windows-1252 (not valid UTF-8)")
    return RefRows(rows, source_file=path, cp1252_lines=counter[0], warnings=warnings)


# ---------------------------------------------------------------------------------------------
# ROME 4.0


def read_rome_codes(folder: Path | str) -> RefRows:
    """`code_rome, libelle_rome, code_rome_parent` (the historical fiche a ROME 4.0 fiche descends from)."""
    return _read_table(
        folder,
        ("unix_referentiel_code_rome_v*_utf8*.csv",),
        "ROME 4.0 RefRomeCsv fiches",
        {
            "code_rome": ("code_rome",),
            "libelle_rome": ("libelle_rome",),
            "code_rome_parent": ("code_rome_parent",),
        },
    )


# ---------------------------------------------------------------------------------------------
# INSEE COG and zones d'emploi


DEPARTEMENT_PATTERNS = ("v_departement_*.csv", "departement*.csv")
DEPARTEMENT_COLUMNS = {
    "code_departement": ("dep",),
    "libelle_departement": ("libelle",),
    "code_region": ("reg",),
}


def read_departements(folder: Path | str) -> RefRows:
    """`code_departement, libelle_departement, code_region` from the COG `v_departement_*.csv`.

    Unlike the other referentials, when several files match, the one listing the most départements is
    read, not the last by name: a regional extract (`v_departement_pdl.csv`) next to the national file
    would otherwise hide the départements of offers located outside the région.
    """
    folder = Path(folder)
    first, _ = find_file(folder, DEPARTEMENT_PATTERNS, "INSEE COG départements")
    candidates = sorted({p for p in first.parent.glob(_matching_pattern(first.name)) if p.is_file()})
    best: RefRows | None = None
    for path in candidates:
        rows = _read_table(path.parent, (path.name,), "INSEE COG départements", DEPARTEMENT_COLUMNS)
        if best is None or len(rows) > len(best):
            best = rows
    if len(candidates) > 1:
        others = ", ".join(p.name for p in candidates if p != best.source_file)
        best.warnings = [
            f"{len(candidates)} département files: read {best.source_file.name} (the most complete, "
            f"{len(best)} départements), ignored {others}"
        ] + [w for w in best.warnings if "files match" not in w]
    return best


def _matching_pattern(name: str) -> str:
    return next(p for p in DEPARTEMENT_PATTERNS if Path(name).match(p))


COMMUNE_PATTERNS = ("v_commune_*.csv", "communes.csv")
ZONES_PATTERNS = ("ze2020_composition_communale*.csv",)
MOUVEMENTS_PATTERNS = ("v_mvt_commune_*.csv", "mvtcommune*.csv")


def read_communes(folder: Path | str, zones: Path | str | None = None) -> CommunesResult:
    """Communes (TYPECOM == 'COM') with their département, région and zone d'emploi 2020.

    `zones` is the zones d'emploi composition file or a folder holding it (default: `folder`).
    A commune absent from the composition's geography (created or renumbered later) takes the zone of,
    in order: a commune of the composition whose COG row (COMD/COMA/COMDP) names it as `COMPARENT`; a
    predecessor in a COG mouvements file (`v_mvt_commune_*.csv`) if the folder has one; a commune of
    the composition with the same name in the same département whose code no longer exists (renumbered).
    Otherwise it is kept with no zone and listed in `unresolved` with the reason.
    """
    path, warnings = find_file(folder, COMMUNE_PATTERNS, "INSEE COG communes, TYPECOM,COM,REG,DEP,…,LIBELLE")
    if zones is None or Path(zones).is_dir():
        zones_path, more = find_file(
            zones or folder, ZONES_PATTERNS, "INSEE zones d'emploi 2020 communal composition"
        )
        warnings += more
    else:
        zones_path = Path(zones)
        if not zones_path.is_file():
            raise ReferentialMissing(f"zones d'emploi composition file not found: {zones_path}")

    communes: list[dict] = []
    parents: dict[str, list[str]] = {}  # COMPARENT → codes of its delegated/associated communes
    source, counter = _read_csv(path)
    for raw in source:
        _require(path, raw, ("typecom", "com", "dep", "reg", "libelle"))
        if raw["typecom"] == "COM":
            communes.append(raw)
        elif raw.get("comparent"):
            parents.setdefault(raw["comparent"], []).append(raw["com"])

    zone_of: dict[str, tuple[str, str]] = {}
    zone_names: dict[tuple[str, str], str] = {}  # (département, normalised name) → composition code
    zsource, zcounter = _read_csv(zones_path)
    for raw in zsource:
        _require(zones_path, raw, ("codgeo", "ze2020", "libze2020"))
        zone_of[raw["codgeo"]] = (raw["ze2020"], raw["libze2020"])
        if raw.get("libgeo"):
            zone_names[(raw["codgeo"][:2], header_key(raw["libgeo"]))] = raw["codgeo"]

    predecessors = _read_mouvements(folder, warnings)
    current = {c["com"] for c in communes}
    result = CommunesResult(rows=[], warnings=warnings)
    for commune in communes:
        code = commune["com"]
        zone, how = zone_of.get(code), None
        if zone is None:
            zone, how = _predecessor_zone(commune, current, zone_of, zone_names, parents, predecessors)
            if zone is None:
                result.unresolved.append(
                    {
                        "code_commune": code,
                        "libelle_commune": commune["libelle"],
                        "reason": "absent from the zones d'emploi composition; no predecessor found "
                        "(no COMPARENT link, no mouvement, no same-name renumbered commune)",
                    }
                )
            else:
                warnings.append(
                    f"commune {code} {commune['libelle']}: zone d'emploi {zone[0]} taken from {how}"
                )
        result.rows.append(
            {
                "code_commune": code,
                "libelle_commune": commune["libelle"],
                "code_departement": commune["dep"],
                "code_region": commune["reg"],
                "code_zone_emploi": zone[0] if zone else None,
                "libelle_zone_emploi": zone[1] if zone else None,
            }
        )
    for name, count in ((path.name, counter[0]), (zones_path.name, zcounter[0])):
        if count:
            warnings.append(f"{count} lines of {name} decoded as Windows-1252 (not valid UTF-8)")
    if result.unresolved:
        codes = ", ".join(u["code_commune"] for u in result.unresolved)
        warnings.append(f"{len(result.unresolved)} communes without a zone d'emploi: {codes}")
    return result


def _predecessor_zone(commune, current, zone_of, zone_names, parents, predecessors):
    code = commune["com"]
    for child in parents.get(code, []):
        if child in zone_of:
            return zone_of[child], f"its delegated commune {child} (COMPARENT)"
    for before in predecessors.get(code, []):
        if before in zone_of:
            return zone_of[before], f"its predecessor {before} (mouvements de communes)"
    same_name = zone_names.get((code[:2], header_key(commune["libelle"])))
    if same_name is None and commune.get("nccenr"):
        same_name = zone_names.get((code[:2], header_key(commune["nccenr"])))
    if same_name and same_name not in current:
        return zone_of[same_name], f"{same_name}, same name, renumbered"
    return None, None


def _read_mouvements(folder: Path | str, warnings: list[str]) -> dict[str, list[str]]:
    """COG mouvements de communes: new code → former codes (optional file)."""
    try:
        path, more = find_file(folder, MOUVEMENTS_PATTERNS, "INSEE COG mouvements de communes")
    except ReferentialMissing:
        return {}
    warnings += more
    before: dict[str, list[str]] = {}
    source, _ = _read_csv(path)
    for raw in source:
        after, prior = raw.get("com_ap", ""), raw.get("com_av", "")
        if after and prior and after != prior and raw.get("typecom_ap", "COM") == "COM":
            before.setdefault(after, []).append(prior)
    return before


# ---------------------------------------------------------------------------------------------
# Every referential, read before anything is written


@dataclass
class Referential:
    name: str
    rows: list[dict]
    served_by: str
    warnings: list[str] = field(default_factory=list)
    unresolved: list[dict] = field(default_factory=list)  # communes without a zone d'emploi


def read_seed(name: str, seeds_dir: Path) -> list[dict]:
    with (Path(seeds_dir) / f"{name.removeprefix('ref_')}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_referentials(official_dir: Path, seeds_dir: Path, served_by: str) -> list[Referential]:
    """The official referentials of ``official_dir`` and the curated seeds of ``seeds_dir``, all read
    (a missing or invalid file raises before any table is replaced)."""
    rome = read_rome_codes(official_dir)
    departements = read_departements(official_dir)
    communes = read_communes(official_dir)
    unresolved = [
        f"commune {u['code_commune']} has no zone d'emploi: {u['reason']}" for u in communes.unresolved
    ]
    found = [
        Referential("ref_rome_codes", list(rome), served_by, rome.warnings),
        Referential(
            "ref_communes", communes.rows, served_by, communes.warnings + unresolved, communes.unresolved
        ),
        Referential("ref_departements", list(departements), served_by, departements.warnings),
    ]
    found += [Referential(name, read_seed(name, seeds_dir), "curated seed") for name in CURATED]
    return found
