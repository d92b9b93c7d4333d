"""great-expectations suites on the marts, run from pure Python (no Dagster).

A suite is a JSON file ``<expectations_dir>/suites/<mart>.json`` in GX's own serialisation of an
``ExpectationSuite``: adding a suite means adding a file. Each expectation carries ``meta.why``, the defect
it catches. ``validate_table`` reads ``marts.<table>`` from the DuckDB warehouse (read-only) into pandas and
validates it in an ephemeral GX context: nothing is written to disk.

great_expectations is imported inside the functions that need it: the import costs several seconds and
this module is imported by every Dagster code location load.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SUITES_SUBDIR = "suites"
MARTS_SCHEMA = "marts"

_IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class QualityError(ValueError):
    """A suite file or a table that cannot be validated (names the file, line and field)."""


@dataclass(frozen=True)
class ExpectationOutcome:
    expectation: str  # expectation type, e.g. "expect_column_values_to_be_between"
    column: str | None
    success: bool
    detail: str  # short human text: "12 of 3,400 rows outside [0, 1]", an observed value…
    why: str = ""  # meta.why of the expectation: the defect it is there to catch


@dataclass(frozen=True)
class SuiteOutcome:
    suite: str
    success: bool
    evaluated: int
    failed: list[ExpectationOutcome] = field(default_factory=list)
    outcomes: list[ExpectationOutcome] = field(default_factory=list)

    def summary(self) -> str:
        """One line per failed expectation, for logs and check descriptions."""
        if self.success:
            return f"{self.suite}: {self.evaluated} expectations passed"
        lines = [f"{self.suite}: {len(self.failed)} of {self.evaluated} expectations failed"]
        lines += [f"- {f.expectation} ({f.column or 'table'}): {f.detail}" for f in self.failed]
        return "\n".join(lines)


def _suites_dir(expectations_dir: Path) -> Path:
    # Accept the GX project folder (expectations/) or its suites/ folder itself.
    expectations_dir = Path(expectations_dir)
    nested = expectations_dir / SUITES_SUBDIR
    return nested if nested.is_dir() else expectations_dir


def suite_names(expectations_dir: Path) -> list[str]:
    """The suites available, one per ``suites/<name>.json`` file, sorted."""
    folder = _suites_dir(expectations_dir)
    if not folder.is_dir():
        return []
    return sorted(p.stem for p in folder.glob("*.json") if p.is_file())


def _line_of(text: str, pattern: str, occurrence: int) -> int:
    """Line (1-based) of the ``occurrence``-th match of ``pattern`` in ``text``; 1 when not found."""
    for i, match in enumerate(re.finditer(pattern, text)):
        if i == occurrence:
            return text.count("\n", 0, match.start()) + 1
    return 1


def load_suite_config(expectations_dir: Path, suite_name: str) -> dict[str, Any]:
    """Read and check a suite file without great_expectations: JSON shape, name and ``meta.why``.

    Raises QualityError naming the file, the line and the field.
    """
    path = _suites_dir(expectations_dir) / f"{suite_name}.json"
    if not path.is_file():
        raise QualityError(
            f"{path}: suite file not found (suites: {', '.join(suite_names(expectations_dir))})"
        )
    text = path.read_text(encoding="utf-8")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise QualityError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from exc
    if not isinstance(data, dict):
        raise QualityError(f"{path}:1: a suite is a JSON object with 'name' and 'expectations'")
    if data.get("name") != suite_name:
        line = _line_of(text, r'"name"\s*:', 0)
        raise QualityError(f"{path}:{line}: field 'name' is {data.get('name')!r}, expected {suite_name!r}")
    expectations = data.get("expectations")
    if not isinstance(expectations, list) or not expectations:
        line = _line_of(text, r'"expectations"\s*:', 0)
        raise QualityError(f"{path}:{line}: field 'expectations' must be a non-empty list")
    seen: dict[str, int] = {}
    for index, exp in enumerate(expectations):
        if not isinstance(exp, dict) or not isinstance(exp.get("type"), str):
            raise QualityError(f"{path}: expectations[{index}]: field 'type' is missing")
        type_ = exp["type"]
        line = _line_of(text, r'"type"\s*:\s*"' + re.escape(type_) + '"', seen.get(type_, 0))
        seen[type_] = seen.get(type_, 0) + 1
        exp["_line"] = line  # for error messages; GX only receives type, kwargs and meta
        if not isinstance(exp.get("kwargs", {}), dict):
            raise QualityError(
                f"{path}:{line}: expectations[{index}] ({type_}): field 'kwargs' must be an object"
            )
        why = (exp.get("meta") or {}).get("why")
        if not isinstance(why, str) or not why.strip():
            raise QualityError(
                f"{path}:{line}: expectations[{index}] ({type_}): field 'meta.why' must say which defect it catches"
            )
    data["_path"] = str(path)
    return data


def load_suite(expectations_dir: Path, suite_name: str):
    """The suite as a great_expectations ``ExpectationSuite``; every expectation type and its kwargs are
    checked against GX's registry now, not at validation time."""
    return build_suite(load_suite_config(expectations_dir, suite_name))


def build_suite(data: dict[str, Any]):
    """An ``ExpectationSuite`` from its JSON form (``name``, ``expectations[{type, kwargs, meta}]``)."""
    from great_expectations.core.expectation_suite import ExpectationSuite
    from great_expectations.exceptions import ExpectationNotFoundError
    from great_expectations.expectations.expectation_configuration import ExpectationConfiguration

    path = data.get("_path", data["name"])
    built = []
    for index, exp in enumerate(data["expectations"]):
        line = exp.get("_line", index + 1)
        type_ = exp["type"]
        try:
            config = ExpectationConfiguration(
                type=type_, kwargs=dict(exp.get("kwargs") or {}), meta=dict(exp.get("meta") or {})
            )
            built.append(config.to_domain_obj())
        except ExpectationNotFoundError as exc:
            raise QualityError(
                f"{path}:{line}: expectations[{index}]: field 'type': unknown expectation {type_!r}"
            ) from exc
        except Exception as exc:  # pydantic validation of the kwargs
            first = str(exc).strip().splitlines()
            raise QualityError(
                f"{path}:{line}: expectations[{index}] ({type_}): field 'kwargs': {' '.join(first[:3])}"
            ) from exc
    return ExpectationSuite(name=data["name"], expectations=built, meta=dict(data.get("meta") or {}))


def read_table(warehouse: Path, table: str, schema: str = MARTS_SCHEMA):
    """``<schema>.<table>`` as a pandas DataFrame; the warehouse is opened read-only and closed at once."""
    from orchestration.lib.warehouse import connect

    if not _IDENTIFIER.match(table) or not _IDENTIFIER.match(schema):
        raise QualityError(f"{schema}.{table}: not a table name")
    warehouse = Path(warehouse)
    if not warehouse.is_file():
        raise QualityError(f"{warehouse}: warehouse not found")
    with connect(warehouse, read_only=True) as con:  # through the project's lock
        exists = con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()[0][0]
        if not exists:
            raise QualityError(f"{warehouse}: table {schema}.{table} not found")
        return con.execute(f'select * from {schema}."{table}"').df()


def validate_table(warehouse: Path, table: str, suite_name: str, expectations_dir: Path) -> SuiteOutcome:
    """Validate ``marts.<table>`` of the DuckDB ``warehouse`` against ``suites/<suite_name>.json``."""
    suite = load_suite(expectations_dir, suite_name)
    df = read_table(warehouse, table)
    return validate_dataframe(df, suite)


def publication_suite_config(table, min_people: int, min_employers: int) -> dict[str, Any]:
    """The suite of a publication model, derived from its spec (``publication_spec.TableSpec``): what the
    secret statistique promises about every published cell, and the table's shape."""
    expectations: list[dict[str, Any]] = [
        {
            "type": "expect_compound_columns_to_be_unique"
            if len(table.primary_key) > 1
            else "expect_column_values_to_be_unique",
            "kwargs": {"column_list": list(table.primary_key)}
            if len(table.primary_key) > 1
            else {"column": table.primary_key[0]},
            "meta": {
                "why": "Two rows with the same key would publish two different figures for the same cell."
            },
        }
    ]
    for column in table.columns:
        if column.is_status:
            expectations.append(
                {
                    "type": "expect_column_values_to_be_in_set",
                    "kwargs": {"column": column.name, "value_set": ["publie", "secret"], "mostly": 1.0},
                    "meta": {
                        "why": "A status other than publie or secret (or a primary/secondary distinction) "
                        "would tell readers which hidden cell is the small one."
                    },
                }
            )
            expectations.append(
                {
                    "type": "expect_column_values_to_not_be_null",
                    "kwargs": {"column": column.name},
                    "meta": {
                        "why": "A row without its status leaves readers unable to tell a secret from a missing value."
                    },
                }
            )
        threshold = {"people": min_people, "employers": min_employers}.get(column.counts or "")
        if threshold and threshold > 1:
            expectations.append(
                {
                    "type": "expect_column_values_to_not_be_in_set",
                    "kwargs": {"column": column.name, "value_set": list(range(1, threshold))},
                    "meta": {
                        "why": f"A published count of 1 to {threshold - 1} {column.counts} describes identifiable "
                        "people or employers (secret statistique)."
                    },
                }
            )
        for status in column.masked_by:
            expectations.append(
                {
                    "type": "expect_table_row_count_to_equal",
                    "kwargs": {
                        "value": 0,
                        "row_condition": {
                            "type": "pass_through",
                            "pass_through_filter": f'{status} == "secret" and {column.name}.notnull()',
                        },
                    },
                    "meta": {
                        "why": f"{column.name} must be empty where {status} says secret: otherwise a hidden "
                        "figure is published."
                    },
                }
            )
        if column.format in ("percent",):
            expectations.append(
                {
                    "type": "expect_column_values_to_be_between",
                    "kwargs": {"column": column.name, "min_value": 0, "max_value": 1},
                    "meta": {
                        "why": "A share outside [0, 1] means a numerator counted on more rows than its denominator."
                    },
                }
            )
    return {"name": f"pub_{table.name}", "expectations": expectations}


def validate_dataframe(df, suite) -> SuiteOutcome:
    """Run an ``ExpectationSuite`` on a pandas DataFrame in an ephemeral GX context."""
    import great_expectations as gx
    from great_expectations.data_context.types.base import ProgressBarsConfig

    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch_definition = (
        context.data_sources.add_pandas("warehouse")
        .add_dataframe_asset(suite.name)
        .add_batch_definition_whole_dataframe("whole_table")
    )
    suite = context.suites.add(suite)
    validation = context.validation_definitions.add(
        gx.ValidationDefinition(name=f"{suite.name}_validation", data=batch_definition, suite=suite)
    )
    result = validation.run(batch_parameters={"dataframe": df}, result_format="SUMMARY")

    outcomes = [_outcome(r) for r in result.results]
    failed = [o for o in outcomes if not o.success]
    return SuiteOutcome(
        suite=suite.name, success=not failed, evaluated=len(outcomes), failed=failed, outcomes=outcomes
    )


def _column_of(kwargs: dict[str, Any]) -> str | None:
    if kwargs.get("column"):
        return kwargs["column"]
    if kwargs.get("column_A") and kwargs.get("column_B"):
        return f"{kwargs['column_A']}, {kwargs['column_B']}"
    if kwargs.get("column_list"):
        return ", ".join(kwargs["column_list"])
    return None


def _num(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:g}"
    return str(value)


def _example(value: Any) -> str:
    """A short rendering of an unexpected value (a dict for compound keys, a timestamp as a date)."""
    if isinstance(value, dict):
        text = "(" + ", ".join(_example(v).strip("'") for v in value.values()) + ")"
    elif isinstance(value, str):
        text = repr(value)
    elif hasattr(value, "isoformat"):
        text = value.isoformat()
        text = text.removesuffix("T00:00:00")
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)  # no thousands separator: years and codes are values too
    return text if len(text) <= 60 else text[:57] + "..."


def _bounds(kwargs: dict[str, Any]) -> str:
    low, high = kwargs.get("min_value"), kwargs.get("max_value")
    left = f"[{_num(low)}" if low is not None else "(-∞"
    right = f"{_num(high)}]" if high is not None else "∞)"
    return f"{left}, {right}"


def _condition_text(row_condition: Any) -> str | None:
    if row_condition is None:
        return None
    if isinstance(row_condition, dict):
        return row_condition.get("pass_through_filter") or json.dumps(row_condition, default=str)
    return getattr(row_condition, "pass_through_filter", None) or str(row_condition)


def _what_is_unexpected(type_: str, kwargs: dict[str, Any]) -> str:
    if type_ == "expect_column_values_to_be_between":
        return f"outside {_bounds(kwargs)}"
    if type_ == "expect_column_values_to_not_be_null":
        return "null"
    if type_ == "expect_column_values_to_be_in_set":
        return "not in the accepted values"
    if type_ == "expect_column_values_to_not_be_in_set":
        return f"in {list(kwargs.get('value_set') or [])}"
    if type_ in {
        "expect_column_values_to_be_unique",
        "expect_compound_columns_to_be_unique",
        "expect_multicolumn_values_to_be_unique",
    }:
        return "duplicated"
    if type_ == "expect_column_pair_values_a_to_be_greater_than_b":
        sign = "<" if kwargs.get("or_equal") else "≤"
        return f"with {kwargs.get('column_A')} {sign} {kwargs.get('column_B')}"
    if type_ == "expect_column_values_to_match_regex":
        return f"not matching {kwargs.get('regex')}"
    return "unexpected"


def _detail(type_: str, kwargs: dict[str, Any], result: dict[str, Any]) -> str:
    if "unexpected_count" in result:
        unexpected = result.get("unexpected_count") or 0
        total = result.get("element_count") or 0
        text = f"{_num(unexpected)} of {_num(total)} rows {_what_is_unexpected(type_, kwargs)}"
        examples = [_example(v) for v in (result.get("partial_unexpected_list") or [])]
        if unexpected and examples:
            text += f" (e.g. {', '.join(list(dict.fromkeys(examples))[:3])})"
        if kwargs.get("mostly") is not None and total:
            allowed = 100 * (1 - float(kwargs["mostly"]))
            text += f"; {100 * unexpected / total:.1f} % where at most {allowed:g} % is allowed"
        return text
    observed = result.get("observed_value")
    condition = _condition_text(kwargs.get("row_condition"))
    if type_ == "expect_table_row_count_to_equal" and condition:
        return f"{_num(observed)} rows where {condition} (expected {_num(kwargs.get('value'))})"
    if type_ == "expect_table_row_count_to_equal":
        return f"{_num(observed)} rows (expected {_num(kwargs.get('value'))})"
    if "min_value" in kwargs or "max_value" in kwargs:
        where = f" where {condition}" if condition else ""
        return f"observed {_num(observed)}{where}, expected within {_bounds(kwargs)}"
    if observed is not None:
        return f"observed {_num(observed)}"
    return "passed" if result else "no result"


def _exception_message(info: Any) -> str | None:
    """The first error message of a result's exception_info (flat, or keyed by metric)."""
    if not isinstance(info, dict):
        return None
    entries = [info] if "raised_exception" in info else [v for v in info.values() if isinstance(v, dict)]
    for entry in entries:
        if entry.get("raised_exception"):
            lines = str(entry.get("exception_message") or "error").strip().splitlines() or ["error"]
            return lines[0][:200]
    return None


def _outcome(validation_result) -> ExpectationOutcome:
    config = validation_result.expectation_config
    type_ = config.type
    kwargs = dict(config.kwargs or {})
    why = str((config.meta or {}).get("why", ""))
    message = _exception_message(validation_result.exception_info)
    if message is not None:
        return ExpectationOutcome(type_, _column_of(kwargs), False, f"could not be evaluated: {message}", why)
    result = dict(validation_result.result or {})
    return ExpectationOutcome(
        type_, _column_of(kwargs), bool(validation_result.success), _detail(type_, kwargs, result), why
    )
