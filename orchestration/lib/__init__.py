"""Pure code with no Dagster import: readers, parsers, API client, rendering helpers."""
