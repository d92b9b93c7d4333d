"""The configuration table of DESIGN.md, typed, in one place.

Nothing else in the project reads ``os.environ``: every module asks ``load_settings()``.
Values come from the environment, then from a ``.env`` file at the project root, then the defaults.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = PROJECT_ROOT / "seeds"
REFERENCE_SEEDS_DIR = SEEDS_DIR / "reference"
SAMPLE_LANDING_DIR = SEEDS_DIR / "sample" / "landing"
EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
OFFICIAL_REFERENCE_DIR = REFERENCE_SEEDS_DIR / "official"  # ROME 4.0, INSEE COG and zones d'emploi, outlines

DEFAULT_API_URL = "https://api.francetravail.io/partenaire/offresdemploi/v2"
DEFAULT_TOKEN_URL = "https://entreprise.francetravail.fr/connexion/oauth2/access_token?realm=/partenaire"


def _read_dotenv(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw_line in path.read_text(encoding="utf-8").splitlines():
        line = raw_line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        key = key.strip().removeprefix("export ").strip()
        values[key] = value.strip().strip("'\"")
    return values


def _absolute(path: str | Path) -> Path:
    path = Path(path).expanduser()
    return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    warehouse: Path
    landing_dir: Path
    reference_dir: Path | None
    publication_dir: Path
    region: str
    francetravail_client_id: str | None
    francetravail_client_secret: str | None
    francetravail_api_url: str
    francetravail_token_url: str
    francetravail_max_retry_after: float = 120.0  # seconds: a longer Retry-After is waited this long
    # statistical secrecy of the publication layer (secret statistique)
    secret_min_people: int = 5
    secret_min_employers: int = 3
    secret_dominance: float = 0.85
    # operations
    alert_webhook: str | None = None
    alert_no_offers_days: int = 3
    keep_editions: int | None = None
    review_mode: bool = False
    edition_pdf: bool = True  # false: an edition without the PDF versions of its pages (a quick preview)
    lock_timeout_seconds: float = 900.0
    run_max_seconds: int = 4 * 3600
    personal_data_days: int | None = None
    run_retries: int = 2
    # the Dagster instance's PostgreSQL storage (deployment); unset: SQLite under DAGSTER_HOME
    dagster_pg_url: str | None = None
    dagster_pg_host: str | None = None
    dagster_pg_port: int = 5432
    dagster_pg_user: str = "dagster"
    dagster_pg_db: str = "dagster"
    dagster_pg_password_set: bool = False

    @property
    def referentials_dir(self) -> Path:
        """The official referential files read: OBS_REFERENCE_DIR (newer releases), else those shipped."""
        return self.reference_dir or OFFICIAL_REFERENCE_DIR

    @property
    def api_dir(self) -> Path:
        """Every API answer, kept as NDJSON: loaded like a landing file, and read again by restores."""
        return self.data_dir / "api" / "francetravail"

    @property
    def api_enabled(self) -> bool:
        return bool(self.francetravail_client_id and self.francetravail_client_secret)

    def __repr__(self) -> str:  # never show the secret
        return (
            f"Settings(data_dir={self.data_dir}, warehouse={self.warehouse}, landing_dir={self.landing_dir}, "
            f"reference_dir={self.reference_dir}, publication_dir={self.publication_dir}, region={self.region}, "
            f"api_enabled={self.api_enabled}, secrecy=({self.secret_min_people}, {self.secret_min_employers}, "
            f"{self.secret_dominance}), alert_webhook={'set' if self.alert_webhook else 'unset'}, "
            f"keep_editions={self.keep_editions}, review_mode={self.review_mode}, "
            f"dagster_storage={'postgres' if self.dagster_pg_url or self.dagster_pg_host else 'sqlite'})"
        )

    def dbt_env(self) -> dict[str, str]:
        """Variables dbt's profiles.yml and models read (absolute paths: dbt runs in its own cwd)."""
        return {
            "OBS_DATA_DIR": str(self.data_dir),
            "OBS_WAREHOUSE": str(self.warehouse),
            "OBS_REGION": self.region,
            "OBS_SECRET_MIN_PEOPLE": str(self.secret_min_people),
            "OBS_SECRET_MIN_EMPLOYERS": str(self.secret_min_employers),
            "OBS_SECRET_DOMINANCE": str(self.secret_dominance),
            # A test whose parents span the offers' partitioned dbt step and the others runs in the step
            # that builds its last parent (dbt's default, eager, would run it before that parent exists).
            "DBT_INDIRECT_SELECTION": "buildable",
        }


class SettingsError(ValueError):
    """A configuration variable holds a value that cannot be used; the message names the variable."""


def _number(name: str, value: str | None, kind: type, default, *, minimum: float | None = None):
    if value is None:
        return default
    try:
        number = kind(value)
    except ValueError:
        raise SettingsError(
            f"{name}={value!r}: expected {'an integer' if kind is int else 'a number'}"
        ) from None
    if minimum is not None and number < minimum:
        raise SettingsError(f"{name}={value!r}: must be at least {minimum}")
    return number


def _flag(name: str, value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "oui", "on"):
        return True
    if value.lower() in ("0", "false", "no", "non", "off"):
        return False
    raise SettingsError(f"{name}={value!r}: expected true or false")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = dict(_read_dotenv(PROJECT_ROOT / ".env"))
    env.update(os.environ if environ is None else environ)

    def get(name: str) -> str | None:
        value = env.get(name)
        return value if value not in (None, "") else None

    data_dir = _absolute(get("OBS_DATA_DIR") or "var")
    reference = get("OBS_REFERENCE_DIR")
    return Settings(
        data_dir=data_dir,
        warehouse=_absolute(get("OBS_WAREHOUSE") or data_dir / "warehouse.duckdb"),
        landing_dir=_absolute(get("OBS_LANDING_DIR") or SAMPLE_LANDING_DIR),
        reference_dir=_absolute(reference) if reference else None,
        publication_dir=_absolute(get("OBS_PUBLICATION_DIR") or data_dir / "publication"),
        region=get("OBS_REGION") or "52",
        francetravail_client_id=get("FRANCETRAVAIL_CLIENT_ID"),
        francetravail_client_secret=get("FRANCETRAVAIL_CLIENT_SECRET"),
        francetravail_api_url=(get("FRANCETRAVAIL_API_URL") or DEFAULT_API_URL).rstrip("/"),
        francetravail_token_url=get("FRANCETRAVAIL_TOKEN_URL") or DEFAULT_TOKEN_URL,
        francetravail_max_retry_after=_number(
            "FRANCETRAVAIL_MAX_RETRY_AFTER", get("FRANCETRAVAIL_MAX_RETRY_AFTER"), float, 120.0, minimum=0
        ),
        secret_min_people=_number("OBS_SECRET_MIN_PEOPLE", get("OBS_SECRET_MIN_PEOPLE"), int, 5, minimum=1),
        secret_min_employers=_number(
            "OBS_SECRET_MIN_EMPLOYERS", get("OBS_SECRET_MIN_EMPLOYERS"), int, 3, minimum=1
        ),
        secret_dominance=_number(
            "OBS_SECRET_DOMINANCE", get("OBS_SECRET_DOMINANCE"), float, 0.85, minimum=0.5
        ),
        alert_webhook=get("OBS_ALERT_WEBHOOK"),
        alert_no_offers_days=_number(
            "OBS_ALERT_NO_OFFERS_DAYS", get("OBS_ALERT_NO_OFFERS_DAYS"), int, 3, minimum=1
        ),
        keep_editions=_number("OBS_KEEP_EDITIONS", get("OBS_KEEP_EDITIONS"), int, None, minimum=1),
        review_mode=_flag("OBS_REVIEW_MODE", get("OBS_REVIEW_MODE")),
        edition_pdf=_flag("OBS_EDITION_PDF", get("OBS_EDITION_PDF"), default=True),
        lock_timeout_seconds=_number(
            "OBS_LOCK_TIMEOUT_SECONDS", get("OBS_LOCK_TIMEOUT_SECONDS"), float, 900.0, minimum=0
        ),
        run_max_seconds=_number("OBS_RUN_MAX_SECONDS", get("OBS_RUN_MAX_SECONDS"), int, 4 * 3600, minimum=60),
        personal_data_days=_number(
            "OBS_PERSONAL_DATA_DAYS", get("OBS_PERSONAL_DATA_DAYS"), int, None, minimum=1
        ),
        run_retries=_number("OBS_RUN_RETRIES", get("OBS_RUN_RETRIES"), int, 2, minimum=0),
        dagster_pg_url=get("DAGSTER_PG_URL"),
        dagster_pg_host=get("DAGSTER_PG_HOST"),
        dagster_pg_port=_number("DAGSTER_PG_PORT", get("DAGSTER_PG_PORT"), int, 5432, minimum=1),
        dagster_pg_user=get("DAGSTER_PG_USER") or "dagster",
        dagster_pg_db=get("DAGSTER_PG_DB") or "dagster",
        dagster_pg_password_set=get("DAGSTER_PG_PASSWORD") is not None,
    )


def export_for_dbt(settings: Settings) -> None:
    """Hand the resolved settings to the dbt subprocess, which inherits this process's environment (and
    make sure the warehouse's folder exists: dbt's first step may be a seed, before any loader ran)."""
    settings.warehouse.parent.mkdir(parents=True, exist_ok=True)
    os.environ.update(settings.dbt_env())
