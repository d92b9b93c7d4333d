"""The official referentials load from their published formats (the files shipped in
seeds/reference/official).

Synthetic files (written to tmp_path) cover what the shipped files cannot show: a missing file, a
commune resolved through COMPARENT or a mouvements file, a line in Windows-1252.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.lib.referentials import (
    ReferentialMissing,
    read_communes,
    read_departements,
    read_rome_codes,
)
from orchestration.settings import OFFICIAL_REFERENCE_DIR

REFERENCE = OFFICIAL_REFERENCE_DIR
ROME, COG = REFERENCE / "rome", REFERENCE / "cog"


def test_rome_codes_load_with_their_parent() -> None:
    rows = read_rome_codes(ROME)
    assert len(rows) == 1584
    assert list(rows[0]) == ["code_rome", "libelle_rome", "code_rome_parent"]
    assert all(r["code_rome_parent"] for r in rows)
    by_code = {r["code_rome"]: r for r in rows}
    assert by_code["A1102"]["code_rome_parent"] == "A1101"
    assert len(by_code) == 1584


def test_communes_of_pays_de_la_loire_have_departement_and_zone_or_reason() -> None:
    result = read_communes(COG)
    assert len(result.rows) == 1228
    assert {r["code_departement"] for r in result.rows} == {"44", "49", "53", "72", "85"}
    assert all(r["code_region"] == "52" and r["libelle_commune"] for r in result.rows)
    unresolved = {u["code_commune"]: u for u in result.unresolved}
    for row in result.rows:
        assert row["code_zone_emploi"] or row["code_commune"] in unresolved
    assert all(u["reason"] for u in result.unresolved)
    # Orée d'Anjou was renumbered (49069 → 49126): same name, same département, old code gone.
    oree = next(r for r in result.rows if r["code_commune"] == "49126")
    assert (oree["code_zone_emploi"], oree["libelle_zone_emploi"]) == ("5201", "Ancenis")
    # L'Oie and Sainte-Florence were restored in 2025 out of Essarts-en-Bocage: nothing in these files
    # links them to it, so they are reported, not guessed.
    assert set(unresolved) == {"85165", "85212"}
    assert any("2 communes without a zone d'emploi" in w for w in result.warnings)


def test_departements_load() -> None:
    rows = read_departements(COG)
    regions = {r["code_departement"]: r["code_region"] for r in rows}
    assert regions["44"] == "52"
    assert {
        "code_departement": "44",
        "libelle_departement": "Loire-Atlantique",
        "code_region": "52",
    } in rows
    # the départements of offers outside the région stay known
    assert len(rows) == 101
    assert {regions[d] for d in ("35", "75", "56", "79")} == {"53", "11", "75"}


def test_the_most_complete_departements_file_is_read_not_a_regional_extract(tmp_path: Path) -> None:
    national = (COG / "v_departement_cog2024_all.csv").read_text(encoding="utf-8")
    lines = national.splitlines()
    (tmp_path / "v_departement_cog2024_all.csv").write_text(national, encoding="utf-8")
    regional = [lines[0], *(line for line in lines[1:] if line.split(",")[1] == "52")]
    (tmp_path / "v_departement_pdl.csv").write_text("\n".join(regional) + "\n", encoding="utf-8")

    rows = read_departements(tmp_path)

    # the regional extract sorts last by name, but would hide the départements outside the région
    assert len(rows) == 101
    assert any("read v_departement_cog2024_all.csv (the most complete" in w for w in rows.warnings)


def test_the_reference_root_is_searched_in_its_subfolders() -> None:
    assert len(read_rome_codes(REFERENCE)) == 1584
    assert len(read_communes(REFERENCE).rows) == 1228


@pytest.mark.parametrize(
    ("reader", "pattern"),
    [
        (read_rome_codes, "unix_referentiel_code_rome_v*_utf8*.csv"),
        (read_communes, "v_commune_*.csv"),
        (read_departements, "v_departement_*.csv"),
    ],
)
def test_missing_file_names_the_expected_pattern(reader, pattern: str, tmp_path: Path) -> None:
    with pytest.raises(ReferentialMissing) as missing:
        reader(tmp_path)
    assert pattern in str(missing.value)
    assert str(tmp_path) in str(missing.value)


COMMUNES = """TYPECOM,COM,REG,DEP,CTCD,ARR,TNCC,NCC,NCCENR,LIBELLE,CAN,COMPARENT
COM,85084,52,85,85D,852,1,ESSARTS EN BOCAGE,Essarts-en-Bocage,Essarts-en-Bocage,8503,
COM,85165,52,85,85D,852,5,OIE,Oie,L'Oie,8503,
COM,49126,52,49,49D,492,1,OREE D ANJOU,Orée d'Anjou,Orée d'Anjou,4916,
COMD,49069,52,49,49D,492,0,CHAMPTOCEAUX,Champtoceaux,Champtoceaux,,49126
COM,85999,52,85,85D,852,0,NULLE PART,Nulle-Part,Nulle-Part,8503,
"""
ZONES = """CODGEO,LIBGEO,ZE2020,LIBZE2020,ZE2020_PARTIE_REG,DEP,REG
85084,Essarts en Bocage,5213,Les Herbiers-Montaigu,,85,52
49069,Champtoceaux,5201,Ancenis,,49,52
"""
MOUVEMENTS = """MOD,DATE_EFF,TYPECOM_AV,COM_AV,TNCC_AV,NCC_AV,NCCENR_AV,LIBELLE_AV,\
TYPECOM_AP,COM_AP,TNCC_AP,NCC_AP,NCCENR_AP,LIBELLE_AP
21,2025-01-01,COM,85084,1,ESSARTS EN BOCAGE,Essarts-en-Bocage,Essarts-en-Bocage,COM,85165,5,OIE,Oie,L'Oie
"""


def test_communes_resolved_through_comparent_and_mouvements(tmp_path: Path) -> None:
    (tmp_path / "v_commune_2026.csv").write_text(COMMUNES, encoding="utf-8")
    (tmp_path / "ze2020_composition_communale.csv").write_text(ZONES, encoding="utf-8")
    (tmp_path / "v_mvt_commune_2026.csv").write_text(MOUVEMENTS, encoding="utf-8")
    result = read_communes(tmp_path)
    zones = {r["code_commune"]: r["code_zone_emploi"] for r in result.rows}
    assert zones == {"85084": "5213", "85165": "5213", "49126": "5201", "85999": None}
    assert [u["code_commune"] for u in result.unresolved] == ["85999"]
    assert any("49126" in w and "COMPARENT" in w for w in result.warnings)
    assert any("85165" in w and "mouvements" in w for w in result.warnings)


def test_communes_zones_file_can_live_elsewhere(tmp_path: Path) -> None:
    cog, zones = tmp_path / "cog", tmp_path / "zones"
    cog.mkdir()
    zones.mkdir()
    (cog / "v_commune_2026.csv").write_text(COMMUNES, encoding="utf-8")
    (zones / "ze2020_composition_communale_geo2022.csv").write_text(ZONES, encoding="utf-8")
    result = read_communes(cog, zones=zones / "ze2020_composition_communale_geo2022.csv")
    assert len(result.rows) == 4
    with pytest.raises(ReferentialMissing, match="ze2020_composition_communale"):
        read_communes(cog)


def test_rome_codes_with_a_windows_1252_line(tmp_path: Path) -> None:
    header = b'"code_rome","code_fiche_metier","code_ogr","libelle_rome","code_rome_parent"\n'
    good = b'"A1203","1","9","Agent / Agente d\'entretien des espaces verts","A1203"\n'
    bad = '"A1208","2","488734","Jardinier / Jardinière paysagiste","A1203"\n'.encode("cp1252")
    (tmp_path / "unix_referentiel_code_rome_v999_utf8.csv").write_bytes(header + good + bad)
    rows = read_rome_codes(tmp_path)
    assert rows.cp1252_lines == 1
    assert rows[1] == {
        "code_rome": "A1208",
        "libelle_rome": "Jardinier / Jardinière paysagiste",
        "code_rome_parent": "A1203",
    }
