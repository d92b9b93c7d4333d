"""Statistical secrecy (secret statistique) of the published figures: primary and secondary suppression.

Pure Python, no Dagster and no dbt: the dbt Python models ``int_secret__relations`` and
``int_secret__statuts`` call it on the table of cells that ``int_secret__cellules`` computes.

A *cell* is one count of a population (contracts, member employers' employees) for one combination of
dimension values; a dimension absent from the cell means "all". Cells are additive along the dimensions
the publication spec declares: a cell without dimension ``d`` equals the sum of the cells that add ``d``
(every value, unknown included), and a parent dimension (``classe_age``) groups the values of a child
dimension (``tranche_age``). Those are the *relations* through which a reader could recompute a hidden
cell from the published ones.

Primary secret: a cell with a value that counts fewer people than ``min_people``, covers fewer than
``min_employers`` employers, or where one employer weighs ``dominance`` or more of the value.

Secondary secret: more cells are hidden until, in every relation, no hidden cell can be recomputed
(exactly, or through a chain of relations) and no sensitive cell can be bounded below ``min_people``
(the sum of the hidden parts of a relation whose total is published is at least the threshold), and no
sensitive cell is protected only by zeros or by cells of a single employer (whose employer knows its
value and could subtract it). Cells are chosen smallest first, parts before totals, so that the
figures that matter most (totals, large cells) stay published. A relation that cannot be protected is
reported, never silently published: the audit model carries it and a dbt test fails on it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

PUBLISHED = "publie"
PRIMARY = "secret_primaire"
SECONDARY = "secret_secondaire"
NOT_PUBLISHED = "non_diffuse"  # never shown (e.g. contracts of no fiche métier): hidden from the start


@dataclass(frozen=True)
class Thresholds:
    min_people: int = 5
    min_employers: int = 3
    dominance: float = 0.85


@dataclass(frozen=True)
class Cell:
    id: str
    population: str
    dims: tuple[tuple[str, str], ...]  # the dimensions given a value, e.g. (("annee", "2022"), ("sexe", "F"))
    value: float  # people: contracts, or employees of the member employers
    employers: int  # distinct employers behind the value
    top_employer: float = 0.0  # the largest single employer's part of the value
    published: bool = True

    @property
    def dim_map(self) -> dict[str, str]:
        return dict(self.dims)


@dataclass(frozen=True)
class Relation:
    """``total`` equals the sum of ``parts`` (cell ids) along ``dimension``."""

    id: str
    population: str
    dimension: str
    total: str
    parts: tuple[str, ...]


def cell_id(population: str, dims: Iterable[tuple[str, str]], order: Sequence[str]) -> str:
    """The canonical id of a cell: the population, then its dimension values in the declared order."""
    given = dict(dims)
    return "|".join([population] + [f"{d}={given[d]}" for d in order if d in given])


def primary_reason(cell: Cell, thresholds: Thresholds) -> str | None:
    """Why a cell cannot be published on its own, or None. A zero (no person, no employer) is published."""
    if cell.value <= 0 and cell.employers <= 0:
        return None
    if cell.value < thresholds.min_people:
        return f"moins de {thresholds.min_people} personnes"
    if cell.employers < thresholds.min_employers:
        return f"moins de {thresholds.min_employers} employeurs"
    if cell.value > 0 and cell.top_employer / cell.value >= thresholds.dominance:
        return f"un employeur pèse {round(thresholds.dominance * 100)} % ou plus"
    return None


def derive_relations(
    cells: Iterable[Cell], hierarchies: Mapping[str, Mapping[str, Mapping[str, str]]]
) -> list[Relation]:
    """Every relation between the cells: additive along each dimension, and along each hierarchy.

    ``hierarchies``: parent dimension -> {"child": child dimension, "map": {child value: parent value}}.
    A cell with dimension ``d`` is a part of the cell that has the same other dimensions and not ``d``
    (when that cell exists). A cell with child dimension ``c`` is also a part of the cell that has the
    parent dimension at the mapped value instead of ``c``.
    """
    by_key: dict[tuple[str, frozenset], Cell] = {}
    cells = list(cells)
    for cell in cells:
        by_key[(cell.population, frozenset(cell.dims))] = cell
    groups: dict[tuple[str, str], list[str]] = defaultdict(list)  # (total id, dimension) -> parts
    for cell in cells:
        dims = dict(cell.dims)
        for dim in dims:
            rest = frozenset((d, v) for d, v in dims.items() if d != dim)
            total = by_key.get((cell.population, rest))
            if total is not None:
                groups[(total.id, dim)].append(cell.id)
        for parent, spec in hierarchies.items():
            child = spec["child"]
            if child in dims and parent not in dims:
                mapped = spec["map"].get(dims[child])
                if mapped is None:
                    continue
                rest = frozenset([*((d, v) for d, v in dims.items() if d != child), (parent, mapped)])
                total = by_key.get((cell.population, rest))
                if total is not None:
                    groups[(total.id, f"{parent}>{child}")].append(cell.id)
    population = {cell.id: cell.population for cell in cells}
    return [
        Relation(
            id=f"{total} : {dimension}",
            population=population[total],
            dimension=dimension,
            total=total,
            parts=tuple(sorted(parts)),
        )
        for (total, dimension), parts in sorted(groups.items())
    ]


@dataclass
class Outcome:
    status: dict[str, str]  # cell id -> PUBLISHED, PRIMARY, SECONDARY or NOT_PUBLISHED
    reason: dict[str, str]  # cell id -> why it is hidden
    unresolved: list[str] = field(default_factory=list)  # relations that no suppression could protect
    rounds: int = 0


def _known_after_derivation(
    relations: Sequence[Relation], known: set[str]
) -> tuple[set[str], dict[str, Relation]]:
    """The cells a reader can recompute (a relation with a single unknown cell gives it away, repeatedly),
    and for each recomputed cell the relation that gave it away."""
    known = set(known)
    derived_by: dict[str, Relation] = {}
    by_cell: dict[str, list[int]] = defaultdict(list)
    for index, relation in enumerate(relations):
        for cell in (relation.total, *relation.parts):
            by_cell[cell].append(index)
    pending = list(range(len(relations)))
    while pending:
        next_pending: set[int] = set()
        for index in pending:
            relation = relations[index]
            unknown = [c for c in (relation.total, *relation.parts) if c not in known]
            if len(unknown) == 1:
                known.add(unknown[0])
                derived_by[unknown[0]] = relation
                next_pending.update(by_cell[unknown[0]])
        pending = sorted(next_pending)
    return known, derived_by


def _problem(
    relation: Relation, cells: Mapping[str, Cell], known: set[str], sensitive: set[str], min_people: int
) -> bool:
    """Whether a sensitive cell of the relation is exposed by it (see the module's docstring)."""
    members = (relation.total, *relation.parts)
    hidden_sensitive = [c for c in members if c in sensitive]
    if not hidden_sensitive:
        return False
    if any(c in known for c in hidden_sensitive):
        return True
    if relation.total not in known:
        return False  # an unknown total bounds nothing from above
    unknown_parts = [c for c in relation.parts if c not in known]
    if sum(cells[c].value for c in unknown_parts) < min_people:
        return True
    for s in hidden_sensitive:
        protectors = [c for c in unknown_parts if c != s and cells[c].value > 0 and cells[c].employers >= 2]
        if not protectors:
            return True
    return False


def _candidate(
    relation: Relation, cells: Mapping[str, Cell], status: Mapping[str, str], allow_total: bool = True
) -> str | None:
    """The published cell whose suppression protects the relation at the least cost: a part before the
    total, the smallest value, a real protector (not zero, more than one employer)."""

    def usable(cell_id: str) -> bool:
        cell = cells[cell_id]
        return status[cell_id] == PUBLISHED and cell.value > 0 and cell.employers >= 2

    parts = sorted((c for c in relation.parts if usable(c)), key=lambda c: (cells[c].value, c))
    if parts:
        return parts[0]
    return relation.total if allow_total and usable(relation.total) else None


def _protecting_cell(
    relation: Relation,
    cells: Mapping[str, Cell],
    status: Mapping[str, str],
    known: set[str],
    derived_by: Mapping[str, Relation],
) -> str | None:
    """A cell to hide for ``relation``: in the relation itself, else in the relations through which its
    hidden cells can be recomputed (followed back as far as needed). Parts are looked for everywhere
    before any total: hiding a total (a margin) spreads the secret to every relation above it."""
    for allow_total in (False, True):
        queue, seen = [relation], {relation.id}
        while queue:
            current = queue.pop(0)
            chosen = _candidate(current, cells, status, allow_total)
            if chosen is not None:
                return chosen
            for member in (current.total, *current.parts):
                source = derived_by.get(member)
                if status[member] != PUBLISHED and source is not None and source.id not in seen:
                    seen.add(source.id)
                    queue.append(source)
    return None


def suppress(cells: Iterable[Cell], relations: Sequence[Relation], thresholds: Thresholds) -> Outcome:
    """Primary then secondary suppression, deterministic (sorted ids)."""
    cells = {cell.id: cell for cell in cells}
    status: dict[str, str] = {}
    reason: dict[str, str] = {}
    sensitive: set[str] = set()
    for cell_id in sorted(cells):
        cell = cells[cell_id]
        why = primary_reason(cell, thresholds)
        if why:
            sensitive.add(cell_id)
        if not cell.published:
            status[cell_id], reason[cell_id] = NOT_PUBLISHED, "non diffusée"
        elif why:
            status[cell_id], reason[cell_id] = PRIMARY, why
        else:
            status[cell_id] = PUBLISHED
    relations = sorted(relations, key=lambda r: r.id)
    unresolved: set[str] = set()
    rounds = 0
    while True:
        rounds += 1
        known, derived_by = _known_after_derivation(
            relations, {c for c, s in status.items() if s == PUBLISHED}
        )
        problems = [
            r
            for r in relations
            if r.id not in unresolved and _problem(r, cells, known, sensitive, thresholds.min_people)
        ]
        if not problems:
            break
        touched: set[str] = set()
        for relation in problems:
            members = {relation.total, *relation.parts}
            if members & touched:
                continue  # a cell hidden this round may already protect it: looked at again next round
            chosen = _protecting_cell(relation, cells, status, known, derived_by)
            if chosen is None:
                unresolved.add(relation.id)
                continue
            status[chosen] = SECONDARY
            reason[chosen] = f"protège une cellule de {relation.id}"
            touched |= members | {chosen}
    return Outcome(status=status, reason=reason, unresolved=sorted(unresolved), rounds=rounds)


def exposed_relations(
    cells: Iterable[Cell], relations: Sequence[Relation], status: Mapping[str, str], thresholds: Thresholds
) -> list[str]:
    """The relations through which a sensitive cell can be recomputed or bounded under the threshold, given
    final statuses: what the audit's dbt test checks (empty when the publication is safe)."""
    cells = {cell.id: cell for cell in cells}
    sensitive = {c for c, cell in cells.items() if primary_reason(cell, thresholds)}
    known, _ = _known_after_derivation(relations, {c for c, s in status.items() if s == PUBLISHED})
    return [r.id for r in relations if _problem(r, cells, known, sensitive, thresholds.min_people)]


CELL_COLUMNS = (
    "cellule_id",
    "population",
    "valeur",
    "nb_employeurs",
    "valeur_premier_employeur",
    "est_diffusable",
)


def cells_from_rows(columns: Sequence[str], rows: Iterable[Sequence]) -> list[Cell]:
    """Cells from rows of ``int_secret__cellules``: every other column is a dimension, and a dimension
    valued '*' is absent from the cell."""
    dims = [c for c in columns if c not in CELL_COLUMNS]
    cells = []
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        cells.append(
            Cell(
                id=record["cellule_id"],
                population=record["population"],
                dims=tuple((d, record[d]) for d in dims if record[d] != "*"),
                value=float(record["valeur"]),
                employers=int(record["nb_employeurs"]),
                top_employer=float(record["valeur_premier_employeur"] or 0.0),
                published=bool(record["est_diffusable"]),
            )
        )
    return cells


def relations_from_rows(columns: Sequence[str], rows: Iterable[Sequence]) -> list[Relation]:
    """Relations from rows of ``int_secret__relations``."""
    relations = []
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        relations.append(
            Relation(
                id=record["relation_id"],
                population=record["population"],
                dimension=record["dimension"],
                total=record["cellule_totale"],
                parts=tuple(record["cellules_parties"]),
            )
        )
    return relations
