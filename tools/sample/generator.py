"""The sample's generator: every landing file, from one seeded random draw (see the package's docstring)."""

from __future__ import annotations

import argparse
import csv
import io
import json
import random
import shutil
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from tools.sample.common import SEED
from tools.sample.members import adherents_rows, build_employers, contrats_rows
from tools.sample.offers import build_offers
from tools.sample.providers import ORGANISMES_HEADER, agrements_rows, build_providers, organismes_lines

DEFAULT_OUT = Path(__file__).resolve().parents[2] / "seeds"


def _csv_text(header: Sequence[str], rows: Iterable[Sequence[str]], delimiter: str = ",") -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _filtres_possibles(offers: Sequence[dict]) -> list[dict]:
    filtres = []
    for filtre, key in (
        ("typeContrat", "typeContrat"),
        ("experience", "experienceExige"),
        ("qualification", "qualificationCode"),
        ("natureContrat", "natureContrat"),
    ):
        counts = Counter(str(o[key]) for o in offers if key in o)
        filtres.append(
            {
                "filtre": filtre,
                "agregation": [{"valeurPossible": v, "nbResultats": counts[v]} for v in sorted(counts)],
            }
        )
    return filtres


CONTRATS_HEADER = [
    "num_contrat",
    "annee_engagement",
    "date_engagement",
    "date_debut",
    "date_fin",
    "siret_employeur",
    "branche",
    "code_naf",
    "effectif_entreprise",
    "departement_etablissement",
    "sexe",
    "date_naissance",
    "niveau_entree",
    "diplome_prepare",
    "code_rncp",
    "code_rome",
    "formacode",
    "siret_organisme_formation",
    "duree_hebdo",
    "heures_formation",
]
ADHERENTS_HEADER = (
    "annee",
    "siret",
    "raison_sociale",
    "branche",
    "code_naf",
    "departement",
    "effectif_etp",
    "salaries_physiques",
    "dont_femmes",
)
AGREMENTS_HEADER = (
    "siret",
    "nda",
    "raison_sociale",
    "code_certification",
    "intitule_certification",
    "departements",
    "date_debut",
    "date_fin",
    "qualiopi",
)


def landing_files() -> dict[str, bytes]:
    """The sample landing folder, by relative path, as bytes."""
    rng = random.Random(SEED)
    sirets: set[str] = set()
    employers = build_employers(rng, sirets)
    agreed, others = build_providers(rng, sirets)
    files: dict[str, bytes] = {}
    adherents = adherents_rows(rng, employers)
    files["uniformation/adherents_2021_2025.csv"] = _csv_text(ADHERENTS_HEADER, adherents, ";").encode(
        "cp1252"
    )
    contrats = contrats_rows(rng, employers, agreed, others)
    files["uniformation/contrats_2021_2025.csv"] = _csv_text(CONTRATS_HEADER, contrats, ";").encode(
        "utf-8-sig"
    )
    agrements = agrements_rows(rng, agreed)
    files["agrements/agrements_region_2025.csv"] = _csv_text(AGREMENTS_HEADER, agrements, ";").encode("utf-8")
    lines = [";".join(ORGANISMES_HEADER) + ";", *organismes_lines(rng, [*agreed, *others])]
    files["organismes/liste_publique_of_extrait.csv"] = ("\n".join(lines) + "\n").encode("utf-8")
    for (year, month), offers in build_offers(rng, employers).items():
        stem = f"francetravail/offres_{year}-{month:02d}"
        if year == 2024:  # API response bodies
            body = {"resultats": offers, "filtresPossibles": _filtres_possibles(offers)}
            files[f"{stem}.json"] = (_dumps(body) + "\n").encode("utf-8")
        elif month < 12:  # one offer per line
            files[f"{stem}.ndjson"] = "".join(_dumps(o) + "\n" for o in offers).encode("utf-8")
        else:  # a plain JSON array
            files[f"{stem}.json"] = ("[\n" + ",\n".join(_dumps(o) for o in offers) + "\n]\n").encode("utf-8")
    return files


def generate(out: Path) -> list[Path]:
    """Write ``out/sample/landing/**`` (and nothing else: ``out/reference`` is curated and official data the
    generator reads, never writes); returns the files written."""
    landing = Path(out) / "sample" / "landing"
    if landing.exists():  # the folder is wholly generated: drop files of earlier versions
        shutil.rmtree(landing)
    return [_write(landing / rel, data) for rel, data in sorted(landing_files().items())]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        default=str(DEFAULT_OUT),
        help="folder receiving sample/landing/ (default: the project's seeds/)",
    )
    args = parser.parse_args(argv)
    written = generate(Path(args.out))
    total = sum(p.stat().st_size for p in written)
    print(f"{len(written)} files written under {args.out} ({total / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
