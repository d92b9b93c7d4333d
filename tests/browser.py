"""Checks a published page the way a reader's browser sees it: Debian's Chromium driven by Playwright.

    from browser import browser, serve  # noqa: F401  (``browser`` is a session fixture)

    def test_the_index_reads_well(browser, tmp_path):
        with serve(edition_folder) as site:
            report = browser.check(site, "index.html", screenshot="index")
        assert report.problems() == []

The folder is served on 127.0.0.1 (port 0) by a small static HTTP server rather than opened as file://:
every request then goes through Playwright's router, so anything outside the served folder (another
host, a CDN font, a tile server) is blocked and recorded, relative links and symlinks (``latest``) resolve
as behind the web server that publishes editions, and a missing file is a 404 the report names.

For each page: console errors, uncaught page errors, blocked requests outside the folder, failed requests
inside it, horizontal scroll of the page at 1,280 and 390 px, serious and critical axe-core violations
(at one width), and full-page screenshots in ``var/test-artifacts/`` (git-ignored) when asked.
No ``playwright install``: the browser is Debian's ``/usr/bin/chromium`` (``.ci/run`` installs it).
"""

from __future__ import annotations

import functools
import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import axe_playwright_python
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = ROOT / "var" / "test-artifacts"
WIDTHS = (1280, 390)
AXE_IMPACTS = ("serious", "critical")
AXE_SCRIPT = (Path(axe_playwright_python.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the test output is for failures
        pass


@dataclass(frozen=True)
class Site:
    """A folder served on 127.0.0.1; ``base_url`` ends with a slash."""

    folder: Path
    base_url: str


@contextmanager
def serve(folder: Path) -> Iterator[Site]:
    """Serves ``folder`` (read-only, static) on 127.0.0.1 on a free port for the duration of the block."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Site(Path(folder), f"http://127.0.0.1:{server.server_address[1]}/")
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class PageReport:
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)  # blocked: outside the served folder
    failed_requests: list[str] = field(default_factory=list)  # inside it, but 4xx/5xx or failed
    horizontal_scroll: dict[int, tuple[int, int]] = field(
        default_factory=dict
    )  # width -> (scrollWidth, innerWidth)
    axe_violations: list[dict] = field(default_factory=list)  # {"id", "impact", "help", "targets"}
    broken_links: list[str] = field(default_factory=list)  # links to the folder's pages that do not open
    screenshots: list[Path] = field(default_factory=list)

    def problems(self) -> list[str]:
        """What a reader would run into, one line each; empty when the page is fine."""
        out = [f"console error: {m}" for m in self.console_errors]
        out += [f"page error: {m}" for m in self.page_errors]
        out += [f"request outside the folder (blocked): {u}" for u in self.outside_requests]
        out += [f"failed request: {u}" for u in self.failed_requests]
        out += [
            f"the page scrolls sideways at {w} px (scrollWidth {s} > {i})"
            for w, (s, i) in self.horizontal_scroll.items()
        ]
        out += [
            f"axe {v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'][:3])}"
            for v in self.axe_violations
        ]
        out += [f"broken link: {u}" for u in self.broken_links]
        return [f"{self.url}: {line}" for line in out]


class Harness:
    """One Chromium for the test session; a fresh context (no cache, no state) for every page."""

    def __init__(self, browser: Browser):
        self.browser = browser

    def check(
        self,
        site: Site,
        page_path: str,
        *,
        widths: tuple[int, ...] = WIDTHS,
        axe_width: int | None = WIDTHS[0],
        screenshot: str | None = None,
        follow_links: bool = True,
    ) -> PageReport:
        """Opens ``page_path`` (relative to the served folder) at each width and reports what went wrong;
        with ``follow_links``, also every link of the page into the folder (a GET each, not rendered)."""
        url = site.base_url + page_path.lstrip("/")
        report = PageReport(url=url)
        context = self.browser.new_context(
            viewport={"width": widths[0], "height": 900}, service_workers="block", locale="fr-FR"
        )
        try:
            context.route("**/*", functools.partial(self._route, site, report))
            page = context.new_page()
            page.on("console", lambda m: report.console_errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda error: report.page_errors.append(str(error)))
            page.on("requestfailed", lambda r: self._failed(site, report, r.url, r.failure or "failed"))
            page.on(
                "response", lambda r: self._failed(site, report, r.url, r.status) if r.status >= 400 else None
            )
            page.goto(url, wait_until="load")
            for width in widths:
                page.set_viewport_size({"width": width, "height": 900})
                scroll, inner = page.evaluate(
                    "() => [document.documentElement.scrollWidth, window.innerWidth]"
                )
                if scroll > inner:
                    report.horizontal_scroll[width] = (scroll, inner)
                if width == axe_width:
                    report.axe_violations = self._axe(page)
                if screenshot:
                    ARTIFACTS.mkdir(parents=True, exist_ok=True)
                    target = ARTIFACTS / f"{screenshot}-{width}.png"
                    page.screenshot(path=str(target), full_page=True)
                    report.screenshots.append(target)
            if follow_links:
                report.broken_links = self._broken_links(page, site)
        finally:
            context.close()
        return report

    @staticmethod
    def _route(site: Site, report: PageReport, route: Route) -> None:
        if route.request.url.startswith(site.base_url):
            route.continue_()
        else:
            if route.request.url not in report.outside_requests:  # Chromium may ask twice
                report.outside_requests.append(route.request.url)
            route.abort("blockedbyclient")

    @staticmethod
    def _failed(site: Site, report: PageReport, url: str, why) -> None:
        if url.startswith(site.base_url):  # outside ones are already recorded as blocked
            report.failed_requests.append(f"{url} ({why})")

    @staticmethod
    def _broken_links(page: Page, site: Site) -> list[str]:
        hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.href.split('#')[0])")
        broken = []
        for href in sorted({h for h in hrefs if h.startswith(site.base_url)}):
            response = page.context.request.get(href)
            if not response.ok:
                broken.append(f"{href} ({response.status})")
            response.dispose()
        return broken

    @staticmethod
    def _axe(page: Page) -> list[dict]:
        page.add_script_tag(content=AXE_SCRIPT)
        results = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {
                "id": v["id"],
                "impact": v["impact"],
                "help": v["help"],
                "targets": [" ".join(map(str, n["target"])) for n in v["nodes"]],
            }
            for v in results["violations"]
            if v["impact"] in AXE_IMPACTS
        ]


# One browser for the whole session, however many test modules import the fixture (a fixture imported
# into a module is registered for that module: the launched browser is shared and closed by the last).
_SHARED: dict = {"users": 0, "playwright": None, "browser": None}


@pytest.fixture(scope="session")
def browser() -> Iterator[Harness]:
    if _SHARED["users"] == 0:
        playwright = sync_playwright().start()
        try:
            _SHARED["browser"] = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except BaseException:
            playwright.stop()
            raise
        _SHARED["playwright"] = playwright
    _SHARED["users"] += 1
    try:
        yield Harness(_SHARED["browser"])
    finally:
        _SHARED["users"] -= 1
        if _SHARED["users"] == 0:
            _SHARED["browser"].close()
            _SHARED["playwright"].stop()
