"""The editions folder as a small API: what is there, what readers see, what an analyst approves, what goes.

    <publication_dir>/
        editions/<YYYYMMDDTHHMMSS>/    a complete edition: renamed from a temporary folder once its
                                       manifest.json is written; never modified afterwards
        editions/.tmp-*                being written or being removed (ignored; removed once stale)
        editions/index.html            the past editions, rewritten (atomically) after every change
        index.html                     the same, for pages reached through latest/ or preview/ (their
                                       ``../index.html``)
        latest  -> editions/<id>       what readers see; switched atomically (os.replace of a symlink)
        preview -> editions/<id>       review mode: the newest checked edition, awaiting approval
        .editions.lock                 serialises publish, approve and prune between processes

Automatic publication (the default) moves ``latest`` to each new edition; in review mode ``publish`` moves
only ``preview`` and ``approve`` moves ``latest``. Retention (``prune``) keeps the newest editions and never
the one ``latest`` or ``preview`` points to.

Pure Python: no Dagster import, no environment lookup (the caller passes the settings).
"""

from __future__ import annotations

import html
import json
import os
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from filelock import FileLock

from orchestration.lib.french import format_datetime_fr, format_number_fr

EDITIONS_DIR = "editions"
LATEST = "latest"
PREVIEW = "preview"
MANIFEST = "manifest.json"
INDEX = "index.html"
TMP_PREFIX = ".tmp-"
LOCK_FILE = ".editions.lock"
EDITION_ID_RE = re.compile(r"^\d{8}T\d{6}$")
# A run that outlives this is failed by run monitoring: a temporary folder this old has no writer left.
STALE_AFTER = timedelta(hours=24)
LOCK_TIMEOUT_SECONDS = 120.0


class EditionError(Exception):
    """An edition cannot be read, published, approved or removed as asked; the message says why."""


@dataclass(frozen=True)
class Edition:
    """A complete edition, as its manifest.json describes it."""

    id: str
    path: Path
    generated_at: datetime
    code_version: str
    inputs: list[dict]  # {"path", "sha256", "rows"}
    outputs: list[str]  # paths relative to the edition folder
    checks: list[dict]  # {"asset", "name", "passed", "blocking"}

    @property
    def failed_blocking_checks(self) -> list[str]:
        return [
            f"{c.get('asset')}: {c.get('name')}"
            for c in self.checks
            if c.get("blocking") and not c.get("passed")
        ]

    @property
    def home(self) -> str:
        """The page to open, relative to the edition folder."""
        return INDEX if INDEX in self.outputs else ""


@dataclass(frozen=True)
class Folder:
    """What the publication folder holds, newest edition first."""

    editions: list[Edition]
    incomplete: dict[str, str]  # editions/<id> folders that are not a complete edition: id -> reason
    temporary: list[str]  # names of editions/.tmp-* and .tmp-* entries
    latest: str | None
    preview: str | None


@dataclass(frozen=True)
class Publication:
    """What ``publish`` or ``approve`` did."""

    edition: str
    moved: str  # LATEST or PREVIEW
    latest: str | None
    preview: str | None
    index: Path


@dataclass(frozen=True)
class Pruned:
    """What ``prune`` removed."""

    editions: list[str]  # edition ids, newest first
    temporary: list[str]  # stale temporary entries


# --------------------------------------------------------------------------------------------------
# Reading


def new_edition_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%S")


def _editions_dir(publication_dir: Path) -> Path:
    return Path(publication_dir) / EDITIONS_DIR


def _check_id(edition_id: str) -> None:
    if not isinstance(edition_id, str) or not EDITION_ID_RE.match(edition_id):
        raise EditionError(
            f"{edition_id!r} is not an edition id: expected the folder name under editions/, "
            "YYYYMMDDTHHMMSS (e.g. 20261202T041800)"
        )


def read_edition(publication_dir: Path, edition_id: str) -> Edition:
    """The edition ``editions/<id>``, or EditionError saying why it is not a complete edition."""
    _check_id(edition_id)
    editions = _editions_dir(publication_dir)
    folder = editions / edition_id
    if not folder.is_dir() or folder.is_symlink():
        writing = (
            sorted(p.name for p in editions.glob(f"{TMP_PREFIX}{edition_id}-*")) if editions.is_dir() else []
        )
        if writing:
            raise EditionError(
                f"edition {edition_id} is still being written ({EDITIONS_DIR}/{writing[0]}) or its run stopped "
                "before the end: it is not an edition yet"
            )
        known = [e.id for e in list_editions(publication_dir)[:5]]
        raise EditionError(
            f"no edition {edition_id} in {editions}"
            + (f" (newest editions: {', '.join(known)})" if known else " (no edition published yet)")
        )
    manifest_path = folder / MANIFEST
    where = f"{EDITIONS_DIR}/{edition_id}/{MANIFEST}"
    if not manifest_path.is_file():
        raise EditionError(f"edition {edition_id} is half-written: {where} is missing")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise EditionError(f"{where}: not valid JSON ({error})") from None
    if not isinstance(manifest, dict):
        raise EditionError(f"{where}: expected a JSON object")
    if manifest.get("edition") != edition_id:
        raise EditionError(f"{where}, field 'edition': {manifest.get('edition')!r} instead of {edition_id!r}")
    try:
        generated_at = datetime.fromisoformat(str(manifest.get("generated_at")))
    except ValueError:
        raise EditionError(
            f"{where}, field 'generated_at': {manifest.get('generated_at')!r} is not an ISO 8601 date-time"
        ) from None
    fields = {}
    for name in ("inputs", "outputs", "checks"):
        value = manifest.get(name, [])
        if not isinstance(value, list):
            raise EditionError(f"{where}, field {name!r}: expected a list")
        fields[name] = value
    missing = [rel for rel in fields["outputs"] if not (folder / rel).is_file()]
    if missing:
        raise EditionError(
            f"edition {edition_id} is half-written: {len(missing)} file(s) of its manifest are missing, "
            f"first {EDITIONS_DIR}/{edition_id}/{missing[0]}"
        )
    return Edition(
        id=edition_id,
        path=folder,
        generated_at=generated_at,
        code_version=str(manifest.get("code_version", "")),
        **fields,
    )


def _pointer(publication_dir: Path, name: str) -> str | None:
    link = Path(publication_dir) / name
    if not link.is_symlink():
        if link.exists():
            raise EditionError(
                f"{link} is not a symlink: remove it or move it away (it is switched atomically)"
            )
        return None
    target = Path(os.readlink(link))
    return target.name if EDITION_ID_RE.match(target.name) else None


def scan(publication_dir: Path) -> Folder:
    """Everything in the publication folder, classified (nothing is modified)."""
    publication_dir = Path(publication_dir)
    editions_dir = _editions_dir(publication_dir)
    complete: list[Edition] = []
    incomplete: dict[str, str] = {}
    temporary: list[str] = []
    if editions_dir.is_dir():
        for entry in sorted(editions_dir.iterdir(), key=lambda p: p.name, reverse=True):
            if entry.name.startswith(TMP_PREFIX):
                temporary.append(f"{EDITIONS_DIR}/{entry.name}")
            elif EDITION_ID_RE.match(entry.name) and entry.is_dir():
                try:
                    complete.append(read_edition(publication_dir, entry.name))
                except EditionError as error:
                    incomplete[entry.name] = str(error)
    if publication_dir.is_dir():
        temporary += sorted(p.name for p in publication_dir.iterdir() if p.name.startswith(TMP_PREFIX))
    return Folder(
        editions=complete,
        incomplete=incomplete,
        temporary=temporary,
        latest=_pointer(publication_dir, LATEST),
        preview=_pointer(publication_dir, PREVIEW),
    )


def list_editions(publication_dir: Path) -> list[Edition]:
    """Complete editions, newest first (temporary and half-written folders are left out)."""
    return scan(publication_dir).editions


def pointers(publication_dir: Path) -> tuple[str | None, str | None]:
    """The edition ids ``latest`` and ``preview`` point at (None when absent)."""
    return _pointer(publication_dir, LATEST), _pointer(publication_dir, PREVIEW)


# --------------------------------------------------------------------------------------------------
# Writing an edition


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def writing(publication_dir: Path, edition_id: str) -> Iterator[Path]:
    """Yields an empty temporary folder ``editions/.tmp-<id>-<random>`` to write an edition into.

    When the block ends without error and the folder holds its manifest.json, it is renamed
    ``editions/<id>`` (complete, visible); otherwise it is removed. Refuses an id already published.
    """
    _check_id(edition_id)
    editions = _editions_dir(publication_dir)
    final = editions / edition_id
    if final.exists() or final.is_symlink():
        raise EditionError(f"edition {edition_id} already exists: {final}")
    editions.mkdir(parents=True, exist_ok=True)
    tmp = editions / f"{TMP_PREFIX}{edition_id}-{secrets.token_hex(4)}"
    tmp.mkdir(mode=0o755)
    try:
        yield tmp
        if not (tmp / MANIFEST).is_file():
            raise EditionError(
                f"edition {edition_id}: nothing was published, {MANIFEST} was not written last"
            )
        for path in tmp.rglob("*"):
            if path.is_file():
                _fsync(path)
        if final.exists():  # another writer got there while this one was rendering
            raise EditionError(f"edition {edition_id} already exists: {final}")
        os.rename(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    _fsync(editions)


# --------------------------------------------------------------------------------------------------
# latest, preview


@contextmanager
def _locked(publication_dir: Path) -> Iterator[None]:
    Path(publication_dir).mkdir(parents=True, exist_ok=True)
    with FileLock(Path(publication_dir) / LOCK_FILE, timeout=LOCK_TIMEOUT_SECONDS):
        yield


def _switch(publication_dir: Path, name: str, edition_id: str) -> None:
    """Points ``name`` at editions/<id>: a relative symlink made aside, then renamed over the old one."""
    link = Path(publication_dir) / name
    if link.exists() and not link.is_symlink():
        raise EditionError(f"{link} is not a symlink: refusing to replace it")
    tmp_link = Path(publication_dir) / f"{TMP_PREFIX}{name}-{secrets.token_hex(4)}"
    os.symlink(f"{EDITIONS_DIR}/{edition_id}", tmp_link, target_is_directory=True)
    try:
        os.replace(tmp_link, link)
    except BaseException:
        tmp_link.unlink(missing_ok=True)
        raise
    _fsync(Path(publication_dir))


def _unlink_pointer(publication_dir: Path, name: str) -> None:
    link = Path(publication_dir) / name
    if link.is_symlink():
        link.unlink()
        _fsync(Path(publication_dir))


def _checked(publication_dir: Path, edition_id: str) -> Edition:
    edition = read_edition(publication_dir, edition_id)
    failed = edition.failed_blocking_checks
    if failed:
        raise EditionError(
            f"edition {edition_id} failed {len(failed)} blocking check(s) ({'; '.join(failed[:3])}): "
            "it cannot be published"
        )
    return edition


def publish(publication_dir: Path, edition_id: str, review_mode: bool = False) -> Publication:
    """Makes a complete, checked edition visible: ``latest`` moves to it (automatic publication), or, in
    review mode, only ``preview`` does and ``latest`` waits for ``approve``. Rewrites editions/index.html."""
    with _locked(publication_dir):
        _checked(publication_dir, edition_id)
        if review_mode:
            _switch(publication_dir, PREVIEW, edition_id)
            moved = PREVIEW
        else:
            _switch(publication_dir, LATEST, edition_id)
            moved = LATEST
            preview = _pointer(publication_dir, PREVIEW)
            if preview is not None and preview <= edition_id:  # nothing newer awaits approval
                _unlink_pointer(publication_dir, PREVIEW)
        return _published(publication_dir, edition_id, moved)


def approve(publication_dir: Path, edition_id: str) -> Publication:
    """Moves ``latest`` to an edition already written and checked (review mode: the analyst's approval).

    Refuses an unknown or half-written id, or an edition whose blocking checks failed, with the reason.
    ``preview`` is removed when it pointed at the approved edition (nothing else awaits approval).
    """
    with _locked(publication_dir):
        _checked(publication_dir, edition_id)
        _switch(publication_dir, LATEST, edition_id)
        if _pointer(publication_dir, PREVIEW) == edition_id:
            _unlink_pointer(publication_dir, PREVIEW)
        return _published(publication_dir, edition_id, LATEST)


def _published(publication_dir: Path, edition_id: str, moved: str) -> Publication:
    index = _write_index(publication_dir)
    latest, preview = pointers(publication_dir)
    return Publication(edition=edition_id, moved=moved, latest=latest, preview=preview, index=index)


# --------------------------------------------------------------------------------------------------
# Retention


def _newest_mtime(path: Path) -> float:
    newest = path.lstat().st_mtime
    if path.is_dir() and not path.is_symlink():
        for sub in path.rglob("*"):
            try:
                newest = max(newest, sub.lstat().st_mtime)
            except FileNotFoundError:  # removed meanwhile
                continue
    return newest


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def prune(
    publication_dir: Path, keep: int | None, *, stale_after: timedelta = STALE_AFTER, now: float | None = None
) -> Pruned:
    """Keeps the ``keep`` newest complete editions, plus the ones ``latest`` and ``preview`` point at, and
    removes the other complete editions (``keep`` None: removes none). Also removes temporary entries
    (``.tmp-*``) untouched for ``stale_after``. Folders that are not complete editions are left alone.

    An edition is first renamed to a temporary name, then deleted: a reader or a crash never sees it
    half-removed. Rewrites editions/index.html when something was removed.
    """
    if keep is not None and keep < 1:
        raise EditionError(f"keep_editions={keep}: keep at least 1 edition (unset keeps them all)")
    now = time.time() if now is None else now
    publication_dir = Path(publication_dir)
    with _locked(publication_dir):
        folder = scan(publication_dir)
        removed: list[str] = []
        if keep is not None:
            kept = {e.id for e in folder.editions[:keep]} | {folder.latest, folder.preview}
            editions_dir = _editions_dir(publication_dir)
            for edition in folder.editions:
                if edition.id in kept:
                    continue
                doomed = editions_dir / f"{TMP_PREFIX}removing-{edition.id}-{secrets.token_hex(4)}"
                os.rename(edition.path, doomed)
                shutil.rmtree(doomed)
                removed.append(edition.id)
        stale: list[str] = []
        for name in folder.temporary:
            path = publication_dir / name
            try:
                if now - _newest_mtime(path) >= stale_after.total_seconds():
                    _remove(path)
                    stale.append(name)
            except FileNotFoundError:  # its writer finished or removed it meanwhile
                continue
        if removed:
            _write_index(publication_dir)
        return Pruned(editions=removed, temporary=stale)


# --------------------------------------------------------------------------------------------------
# Index of past editions


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{format_number_fr(n)}\u00a0{word if n <= 1 else (plural or word + 's')}"


_INDEX_CSS = """
:root { --ink: #1e1e1e; --muted: #555; --line: #c8c8c8; --accent: #0b4f8a; --soft: #f1f5f9; }
* { box-sizing: border-box; }
html { font-family: "DejaVu Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); }
body { margin: 0 auto; max-width: 62rem; padding: 0 1rem 2rem; line-height: 1.5; }
a { color: var(--accent); }
a:focus-visible, [tabindex]:focus-visible, summary:focus-visible { outline: 3px solid #e8a400; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 1; }
header.site { border-bottom: 3px solid var(--accent); padding: .75rem 0 .5rem; margin-bottom: 1.5rem; }
header.site p { margin: 0; font-weight: bold; color: var(--accent); }
h1 { font-size: 1.75rem; line-height: 1.25; margin: 0 0 .5rem; }
.current { background: var(--soft); border-left: 4px solid var(--accent); padding: .5rem .8rem; }
.current p { margin: .2rem 0; }
.table-wrap { overflow-x: auto; margin-top: 1rem; }
table { border-collapse: collapse; width: 100%; font-size: .92rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .25rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid var(--ink); background: var(--soft); }
tbody th { font-weight: normal; }
.id, code { font-family: "DejaVu Sans Mono", monospace; font-size: .85rem; }
.id { color: var(--muted); }
.status { font-weight: bold; white-space: nowrap; }
.status-latest { color: #0a5c2f; }
.status-preview { color: #8a4b00; }
ul.inputs { margin: .25rem 0 0; padding-left: 1rem; font-size: .85rem; }
.sha { word-break: break-all; color: var(--muted); }
footer.site { margin-top: 3rem; border-top: 1px solid var(--line); font-size: .85rem; color: var(--muted); }
""".strip()


def _status(edition: Edition, latest: str | None, preview: str | None) -> str:
    if edition.id == latest:
        return '<span class="status status-latest">En ligne</span> <span class="id">(latest)</span>'
    if edition.id == preview:
        return '<span class="status status-preview">En attente d’approbation</span> <span class="id">(preview)</span>'
    return '<span class="status">Archivée</span>'


def _inputs_cell(edition: Edition) -> str:
    e = html.escape
    if not edition.inputs:
        return "aucun"
    rows = sum(int(i.get("rows") or 0) for i in edition.inputs)
    items = "".join(
        f"<li>{e(str(i.get('path', '?')))} : {_plural(int(i.get('rows') or 0), 'ligne')}"
        f' <span class="sha">sha256 {e(str(i.get("sha256", "?")))}</span></li>'
        for i in edition.inputs
    )
    return (
        f"<details><summary>{_plural(len(edition.inputs), 'fichier')}, {_plural(rows, 'ligne')}</summary>"
        f'<ul class="inputs">{items}</ul></details>'
    )


def _checks_cell(edition: Edition) -> str:
    total = len(edition.checks)
    failed = sum(1 for c in edition.checks if not c.get("passed"))
    if not total:
        return "aucun enregistré"
    if not failed:
        return "1 contrôle, réussi" if total == 1 else f"{_plural(total, 'contrôle')}, tous réussis"
    return f"{_plural(total, 'contrôle')}, dont {format_number_fr(failed)} en échec"


def render_index(
    folder: Folder, *, to_editions: str = "", site_title: str = "Observatoire emploi-formation"
) -> str:
    """The index of past editions: one self-contained page (inline CSS, no script, no request).

    ``to_editions``: the path from the page's folder to editions/ ("" for editions/index.html,
    "editions/" for the copy at the root of the publication folder)."""
    e = html.escape
    by_id = {ed.id: ed for ed in folder.editions}

    def link(edition_id: str) -> str:
        edition = by_id[edition_id]
        return f'<a href="{e(to_editions + edition.id)}/{e(edition.home)}">édition du {e(format_datetime_fr(edition.generated_at, offset=False))}</a>'

    current = []
    if folder.latest in by_id:
        current.append(f"<p>En ligne : {link(folder.latest)}.</p>")
    else:
        current.append("<p>Aucune édition n’est encore en ligne.</p>")
    if folder.preview in by_id and folder.preview != folder.latest:
        current.append(
            f"<p>En attente d’approbation : {link(folder.preview)}. Elle sera mise en ligne quand un "
            "analyste l’aura approuvée (job <code>approve_edition</code> dans Dagster).</p>"
        )
    rows = []
    for edition in folder.editions:
        rows.append(
            "<tr>"
            f'<th scope="row"><a href="{e(to_editions + edition.id)}/{e(edition.home)}">'
            f'<time datetime="{e(edition.generated_at.isoformat())}">{e(format_datetime_fr(edition.generated_at, offset=False))}'
            f'</time></a><br><span class="id">{e(edition.id)}</span></th>'
            f"<td>{_status(edition, folder.latest, folder.preview)}</td>"
            f"<td><code>{e(edition.code_version or 'inconnue')}</code></td>"
            f"<td>{_inputs_cell(edition)}</td>"
            f"<td>{_checks_cell(edition)}</td>"
            "</tr>"
        )
    count = len(folder.editions)
    if rows:
        table = (
            f'<h2 id="editions-titre">{_plural(count, "édition conservée", "éditions conservées")}, '
            "de la plus récente à la plus ancienne</h2>"
            '<div class="table-wrap" role="region" aria-labelledby="editions-titre" tabindex="0">'
            '<table aria-labelledby="editions-titre">'
            '<thead><tr><th scope="col">Édition</th><th scope="col">Statut</th>'
            '<th scope="col">Version du code</th><th scope="col">Fichiers d’entrée</th>'
            '<th scope="col">Contrôles</th></tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )
    else:
        table = "<p>Aucune édition publiée.</p>"
    title = f"Éditions publiées — {site_title}"
    return (
        '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{e(title)}</title>\n<style>\n{_INDEX_CSS}\n</style>\n</head>\n<body>\n"
        '<a class="skip" href="#contenu">Aller au contenu</a>\n'
        f'<header class="site"><p>{e(site_title)}</p></header>\n'
        '<main id="contenu">\n<h1>Éditions publiées</h1>\n'
        f'<div class="current">{"".join(current)}</div>\n{table}\n</main>\n'
        '<footer class="site"><p>Chaque édition est un dossier complet et immuable : pages, PDF, données CSV '
        "et manifeste (fichiers d’entrée et leurs empreintes SHA-256, contrôles, fichiers produits).</p></footer>\n"
        "</body>\n</html>\n"
    )


def _write_atomically(target: Path, text: str) -> None:
    tmp = target.parent / f"{TMP_PREFIX}{target.name}-{secrets.token_hex(4)}"
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
        _fsync(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _write_index(publication_dir: Path) -> Path:
    """Rewrites editions/index.html from the folder as it is now (written aside, then renamed over), and its
    copy at the root: a page's link ``../index.html`` then opens the index whether the reader came through
    ``editions/<id>/``, ``latest/`` or ``preview/``."""
    editions = _editions_dir(publication_dir)
    editions.mkdir(parents=True, exist_ok=True)
    folder = scan(publication_dir)
    _write_atomically(editions / INDEX, render_index(folder))
    _write_atomically(Path(publication_dir) / INDEX, render_index(folder, to_editions=f"{EDITIONS_DIR}/"))
    return editions / INDEX


def write_index(publication_dir: Path) -> Path:
    """Rewrites editions/index.html (publish, approve and prune already do)."""
    with _locked(publication_dir):
        return _write_index(publication_dir)
