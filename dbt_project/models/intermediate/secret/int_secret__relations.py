"""The relations through which a reader could recompute a hidden cell: a cell without a dimension equals
the sum of the cells that add it, and a parent class (classe_age) the sum of its child bands (tranche_age).

Derived from the cells and the declared hierarchies (``_secret__models.yml``) by
``orchestration.lib.secrecy.derive_relations``: one row per relation, its total cell and its part cells.
"""


def model(dbt, session):
    dbt.config(materialized="table")
    import pandas as pd

    from orchestration.lib import secrecy

    source = dbt.ref("int_secret__cellules")
    cells = secrecy.cells_from_rows(source.columns, source.fetchall())
    relations = secrecy.derive_relations(cells, dbt.config.get("hierarchies"))
    return pd.DataFrame(
        {
            "relation_id": [r.id for r in relations],
            "population": [r.population for r in relations],
            "dimension": [r.dimension for r in relations],
            "cellule_totale": [r.total for r in relations],
            "cellules_parties": [list(r.parts) for r in relations],
            "nb_parties": [len(r.parts) for r in relations],
        }
    )
