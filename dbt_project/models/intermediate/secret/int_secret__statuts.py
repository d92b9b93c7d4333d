"""Primary and secondary suppression of every cell (secret statistique).

The rules and the algorithm are in ``orchestration/lib/secrecy.py`` (pure Python, unit-tested); the
thresholds come from OBS_SECRET_MIN_PEOPLE, OBS_SECRET_MIN_EMPLOYERS and OBS_SECRET_DOMINANCE through
dbt vars (``_secret__models.yml``). One row per cell: its status and why.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import pandas as pd

    from orchestration.lib import secrecy

    thresholds = secrecy.Thresholds(
        min_people=int(dbt.config.get("min_people")),
        min_employers=int(dbt.config.get("min_employers")),
        dominance=float(dbt.config.get("dominance")),
    )
    source = dbt.ref("int_secret__cellules")
    cells = secrecy.cells_from_rows(source.columns, source.fetchall())
    links = dbt.ref("int_secret__relations")
    relations = secrecy.relations_from_rows(links.columns, links.fetchall())
    outcome = secrecy.suppress(cells, relations, thresholds)
    exposed = set(secrecy.exposed_relations(cells, relations, outcome.status, thresholds))
    exposing: dict[str, list[str]] = {}  # cell -> relations through which it can still be recomputed
    for relation in relations:
        if relation.id in exposed:
            for member in (relation.total, *relation.parts):
                exposing.setdefault(member, []).append(relation.id)
    return pd.DataFrame(
        {
            "cellule_id": [c.id for c in cells],
            "statut": [outcome.status[c.id] for c in cells],
            "motif": [outcome.reason.get(c.id) for c in cells],
            "motif_secret_primaire": [secrecy.primary_reason(c, thresholds) for c in cells],
            # a relation through which this cell (a member) can still be recomputed: the audit test fails on it
            "relations_exposees": [
                sorted(r.id for r in relations if r.id in exposed and c.id in (r.total, *r.parts))
                for c in cells
            ],
            "seuil_personnes": thresholds.min_people,
            "seuil_employeurs": thresholds.min_employers,
            "seuil_dominance": thresholds.dominance,
        }
    )
