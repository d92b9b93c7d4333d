"""Statistical secrecy: primary rules, relations between cells, secondary suppression (pure functions)."""

import random

from orchestration.lib.secrecy import (
    NOT_PUBLISHED,
    PRIMARY,
    PUBLISHED,
    SECONDARY,
    Cell,
    Thresholds,
    cell_id,
    derive_relations,
    exposed_relations,
    primary_reason,
    suppress,
)

ORDER = ("annee", "code_departement", "code_branche", "classe_age", "tranche_age")
RULES = Thresholds(min_people=5, min_employers=3, dominance=0.85)
AGES = {
    "classe_age": {
        "child": "tranche_age",
        "map": {"<26": "<=30", "26-30": "<=30", "31-45": ">30", "46+": ">30"},
    }
}


def cell(value, employers=None, top=None, published=True, **dims):
    employers = max(3, int(value)) if employers is None else employers
    top = value / max(employers, 1) if top is None else top
    items = tuple((d, str(dims[d])) for d in ORDER if d in dims)
    return Cell(cell_id("contrats", items, ORDER), "contrats", items, value, employers, top, published)


def run(cells, hierarchies=None):
    relations = derive_relations(cells, hierarchies or {})
    outcome = suppress(cells, relations, RULES)
    return relations, outcome


def test_primary_rules_people_employers_dominance_and_zero():
    assert primary_reason(cell(4, employers=4), RULES) == "moins de 5 personnes"
    assert primary_reason(cell(40, employers=2), RULES) == "moins de 3 employeurs"
    assert primary_reason(cell(40, employers=5, top=35), RULES) == "un employeur pèse 85 % ou plus"
    assert primary_reason(cell(0, employers=0), RULES) is None
    assert primary_reason(cell(40, employers=5, top=20), RULES) is None


def test_a_total_with_a_single_small_part_hides_the_smallest_real_protector_and_keeps_the_total():
    total = cell(120, annee=2022)
    parts = [
        cell(2, annee=2022, code_branche="A"),
        cell(0, employers=0, annee=2022, code_branche="B"),  # a zero protects nothing
        cell(7, employers=1, top=7, annee=2022, code_branche="C"),  # one employer: primary secret itself
        cell(9, annee=2022, code_branche="D"),
        cell(102, annee=2022, code_branche="E"),
    ]
    _, outcome = run([total, *parts])
    status = {c.id.split("|")[-1]: outcome.status[c.id] for c in parts}
    assert status == {
        "code_branche=A": PRIMARY,
        "code_branche=B": PUBLISHED,
        "code_branche=C": PRIMARY,
        "code_branche=D": SECONDARY,
        "code_branche=E": PUBLISHED,
    }
    assert outcome.status[total.id] == PUBLISHED
    assert outcome.unresolved == []


def test_two_small_hidden_parts_that_add_up_under_the_threshold_get_a_third():
    total = cell(60, annee=2022)
    parts = [
        cell(1, annee=2022, code_departement="44"),
        cell(2, annee=2022, code_departement="49"),
        cell(20, annee=2022, code_departement="53"),
        cell(37, annee=2022, code_departement="85"),
    ]
    relations, outcome = run([total, *parts])
    # 1 + 2 = 3 < 5: a reader would know both are small; the 20 is hidden too
    assert outcome.status[parts[2].id] == SECONDARY
    assert outcome.status[parts[3].id] == PUBLISHED
    assert exposed_relations([total, *parts], relations, outcome.status, RULES) == []


def test_a_parent_class_adds_up_its_bands_and_protects_through_them():
    year = dict(annee=2022)
    cells = [
        cell(120, **year),
        cell(47, classe_age="<=30", **year),
        cell(73, classe_age=">30", **year),
        cell(30, tranche_age="<26", **year),
        cell(17, tranche_age="26-30", **year),
        cell(3, tranche_age="31-45", **year),
        cell(70, tranche_age="46+", **year),
    ]
    relations, outcome = run(cells, AGES)
    dims = {r.dimension for r in relations}
    assert dims == {"classe_age", "tranche_age", "classe_age>tranche_age"}
    # 31-45 (3) is secret; within ">30" its only sibling is 46+ (70), hidden in turn, and the total stays
    assert outcome.status[cells[5].id] == PRIMARY
    assert outcome.status[cells[6].id] == SECONDARY
    assert outcome.status[cells[2].id] == PUBLISHED
    assert exposed_relations(cells, relations, outcome.status, RULES) == []


def test_a_cell_recomputed_through_a_chain_of_relations_is_protected():
    # région = 44 + 49, and each département splits by branch: hiding 44/A alone in its département is not
    # enough if 44 could be recomputed from the région
    cells = [
        cell(50, annee=2022),
        cell(20, annee=2022, code_departement="44"),
        cell(30, annee=2022, code_departement="49"),
        cell(2, annee=2022, code_departement="44", code_branche="A"),
        cell(18, annee=2022, code_departement="44", code_branche="B"),
        cell(10, annee=2022, code_departement="49", code_branche="A"),
        cell(20, annee=2022, code_departement="49", code_branche="B"),
        cell(12, annee=2022, code_branche="A"),
        cell(38, annee=2022, code_branche="B"),
    ]
    relations, outcome = run(cells)
    assert outcome.status[cells[3].id] == PRIMARY
    assert exposed_relations(cells, relations, outcome.status, RULES) == []
    hidden = {c.id.removeprefix("contrats|annee=2022|") for c in cells if outcome.status[c.id] != PUBLISHED}
    # the four inner cells hide each other; the margins (région, départements, branches) stay published
    assert hidden == {
        "code_departement=44|code_branche=A",
        "code_departement=44|code_branche=B",
        "code_departement=49|code_branche=A",
        "code_departement=49|code_branche=B",
    }


def test_a_cell_never_published_is_hidden_from_the_start_but_counts_as_a_protector():
    cells = [
        cell(40, annee=2022),
        cell(3, annee=2022, code_branche="A"),
        cell(12, annee=2022, code_branche="autre", published=False),
        cell(25, annee=2022, code_branche="B"),
    ]
    relations, outcome = run(cells)
    assert outcome.status[cells[2].id] == NOT_PUBLISHED
    assert outcome.status[cells[3].id] == PUBLISHED
    assert exposed_relations(cells, relations, outcome.status, RULES) == []


def test_when_only_a_single_employer_cell_could_protect_a_part_the_total_is_hidden():
    # the only other part is a single employer's cell: its employer could subtract and find the other
    cells = [
        cell(8, annee=2022),
        cell(2, annee=2022, code_branche="A"),
        cell(6, employers=1, annee=2022, code_branche="B"),
    ]
    relations, outcome = run(cells)
    # the total is hidden (it is the last real protector left), and then nothing is exposed
    assert outcome.status[cells[0].id] == SECONDARY
    assert exposed_relations(cells, relations, outcome.status, RULES) == []


def test_on_random_tables_nothing_is_exposed_and_the_result_is_deterministic():
    rng = random.Random(7)
    for _ in range(30):
        cells = []
        for year in (2021, 2022):
            deps = {d: rng.choice([0, 1, 2, 3, 6, 9, 15, 40]) for d in ("44", "49", "53")}
            cells.append(cell(sum(deps.values()), annee=year))
            for dep, value in deps.items():
                if value:
                    cells.append(
                        cell(
                            value,
                            employers=rng.choice([1, 2, 3, 5]) if value >= 3 else value,
                            annee=year,
                            code_departement=dep,
                        )
                    )
        relations, first = run(cells)
        _, second = run(list(reversed(cells)))
        assert first.status == second.status
        safe = exposed_relations(cells, relations, first.status, RULES)
        assert safe == [] or set(safe) <= set(first.unresolved)
