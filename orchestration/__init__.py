"""Observatoire emploi-formation: Dagster code location (see definitions.py)."""
