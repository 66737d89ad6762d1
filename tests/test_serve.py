"""`serve` for real: a server process on a free port, and a portfolio edited underneath it."""

from __future__ import annotations

import filecmp
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from watchfiles import Change

from klantspiegel.cli import main
from klantspiegel.serve import SourceFilter, run

REPO = Path(__file__).resolve().parent.parent
FINDING_PAGE = "/postbedrijf/findings/centrale-lijn.html"
LIVE_SCRIPT = '<script src="/__klantspiegel/live.js"'
SERVE = [sys.executable, str(REPO / "build.py"), "serve"]
TIMEOUT = 20.0  # seconds for a change to show; a rebuild of the fixture takes well under one


@dataclass
class Served:
    """A running `serve` process over a portfolio, and where to reach it."""

    host: str
    port: int
    process: subprocess.Popen
    source: Path
    output: Path
    log: Path

    @property
    def finding(self) -> Path:
        return self.source / "postbedrijf/2026/findings/centrale-lijn.md"

    def get(self, path: str) -> tuple[int, str]:
        """GET a path as written (no normalising of `..`): (status, body)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=TIMEOUT)
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            return response.status, response.read().decode("utf-8", "replace")
        finally:
            connection.close()

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(condition: Callable[[], object], what: str, served: Served) -> float:
    """Poll until `condition()` is true; return the seconds it took, or fail with the log."""
    started = time.monotonic()
    while time.monotonic() - started < TIMEOUT:
        if condition():
            return time.monotonic() - started
        if served.process.poll() is not None:
            break
        time.sleep(0.05)
    pytest.fail(f"{what}: not within {TIMEOUT:.0f} s; the server said:\n{served.log_text()}")


def stop(process: subprocess.Popen, how: signal.Signals = signal.SIGINT) -> int:
    process.send_signal(how)
    try:
        return process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        raise


@contextmanager
def serving(source: Path, tmp_path: Path) -> Iterator[Served]:
    """`build.py serve` over `source` on a free port, answering; stopped (or killed) after."""
    port = free_port()
    log = tmp_path / "serve.log"
    command = [
        *SERVE,
        "--source",
        str(source),
        "--output",
        str(tmp_path / "output"),
        "--port",
        str(port),
    ]
    with log.open("w") as log_file:
        process = subprocess.Popen(command, cwd=REPO, stdout=log_file, stderr=subprocess.STDOUT)
    server = Served("127.0.0.1", port, process, source, tmp_path / "output", log)
    try:
        wait_for(lambda: _answers(server), "the server answering", server)
        yield server
    finally:
        if process.poll() is None:
            stop(process)


def _answers(served: Served) -> bool:
    try:
        served.get("/")
        return True
    except OSError:
        return False


@pytest.fixture
def served(small_portfolio, tmp_path) -> Iterator[Served]:
    """A server of its own, for a test that edits the portfolio."""
    with serving(small_portfolio.root, tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Served]:
    """One server shared by the tests that only read (starting one takes a second or two)."""
    from conftest import PortfolioWriter

    folder = tmp_path_factory.mktemp("serve")
    w = PortfolioWriter(folder / "audits")
    w.organisation("postbedrijf", name="Postbedrijf Noord")
    w.audit("postbedrijf")
    w.anecdote("postbedrijf", "gemist-pakje")
    w.finding("postbedrijf", "centrale-lijn", anecdotes="gemist-pakje")
    with serving(w.root, folder) as server:
        yield server


class EventStream:
    """The Server-Sent Events of `/__klantspiegel/events`, read the way a browser would."""

    def __init__(self, served: Served, timeout: float = TIMEOUT):
        self.connection = http.client.HTTPConnection(served.host, served.port, timeout=timeout)
        self.connection.request("GET", "/__klantspiegel/events")
        self.response = self.connection.getresponse()
        assert self.response.status == 200
        assert self.response.getheader("Content-Type") == "text/event-stream"

    def next_event(self) -> tuple[str, str]:
        """(event name, data) of the next event, skipping keep-alive comments."""
        name, data = "message", ""
        while True:
            line = self.response.readline().decode()
            if not line:
                raise EOFError("the event stream ended")
            line = line.rstrip("\n")
            if line == "" and data:
                return name, data
            if line.startswith("event: "):
                name = line.removeprefix("event: ")
            elif line.startswith("data: "):
                data = line.removeprefix("data: ")

    def close(self) -> None:
        self.connection.close()


@pytest.fixture
def events(served) -> Iterator[EventStream]:
    stream = EventStream(served)
    yield stream
    stream.close()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


# --- Serving the built site ------------------------------------------------------------------


def test_serve_builds_and_serves_the_report(server):
    status, page = server.get(FINDING_PAGE)
    assert status == 200
    assert "The body of the finding about Finding centrale-lijn." in page


def test_pages_are_served_with_the_live_script_but_the_built_files_are_untouched(server):
    status, page = server.get(FINDING_PAGE)
    on_disk = (server.output / "site" / FINDING_PAGE.lstrip("/")).read_text(encoding="utf-8")
    assert status == 200
    assert LIVE_SCRIPT in page
    assert "/__klantspiegel/" not in on_disk
    assert re.sub(r'<script src="/__klantspiegel/live\.js"[^>]*></script>\n', "", page) == on_disk


def test_the_output_is_byte_for_byte_what_build_writes(server, tmp_path):
    normal = tmp_path / "normal"
    assert main(["build", "--no-pdf", "--source", str(server.source), "--output", str(normal)]) == 0
    comparison = filecmp.dircmp(server.output / "site", normal / "site")
    assert _differences(comparison) == []


def _differences(comparison: filecmp.dircmp) -> list[str]:
    _, mismatch, errors = filecmp.cmpfiles(
        comparison.left, comparison.right, comparison.common_files, shallow=False
    )
    found = [*comparison.left_only, *comparison.right_only, *mismatch, *errors]
    for sub in comparison.subdirs.values():
        found += _differences(sub)
    return found


def test_the_live_script_is_served_as_javascript(server):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=TIMEOUT)
    connection.request("GET", "/__klantspiegel/live.js")
    response = connection.getresponse()
    body = response.read().decode()
    connection.close()
    assert response.status == 200
    assert response.getheader("Content-Type") == "text/javascript"
    assert "EventSource" in body


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2f..%2fetc%2fpasswd",
        "/assets/../../../../etc/passwd",
        "/pdf/../../../../etc/passwd",
        "/%2e%2e/serve.log",
    ],
)
def test_nothing_outside_the_site_is_served(server, path):
    status, body = server.get(path)
    assert status in (403, 404)
    assert "root:" not in body


def test_a_missing_page_gets_the_sites_404_page(server):
    status, page = server.get("/postbedrijf/findings/no-such-finding.html")
    assert status == 404
    assert page.startswith((server.output / "site/404.html").read_text(encoding="utf-8")[:100])


def test_a_folder_without_a_slash_is_redirected(server):
    connection = http.client.HTTPConnection(server.host, server.port, timeout=TIMEOUT)
    connection.request("GET", "/postbedrijf")
    response = connection.getresponse()
    connection.close()
    assert response.status == 301
    assert response.getheader("Location") == "/postbedrijf/"


# --- Rebuilding on changes -------------------------------------------------------------------


def test_an_edited_finding_is_served_and_open_pages_are_told_to_reload(served, events):
    assert events.next_event()[0] == "hello"
    edit(served.finding, "The body of the finding", "The edited body of the finding")
    assert events.next_event()[0] == "reload"
    wait_for(lambda: "The edited body" in served.get(FINDING_PAGE)[1], "the edit served", served)


def test_a_reload_names_the_pages_the_build_rendered(served, events):
    events.next_event()
    edit(served.finding, "The body of the finding", "The edited body of the finding")
    name, data = events.next_event()
    pages = json.loads(data)["pages"]
    assert name == "reload" and FINDING_PAGE in pages and "/method.html" not in pages


def test_a_reload_names_a_page_the_build_removed_so_it_shows_it_is_gone(
    small_portfolio, served, events
):
    events.next_event()
    added = small_portfolio.finding("postbedrijf", "tweede-lijn")
    page = "/postbedrijf/findings/tweede-lijn.html"
    assert events.next_event()[0] == "reload"
    wait_for(lambda: served.get(page)[0] == 200, "the new finding served", served)
    added.unlink()
    name, data = events.next_event()
    assert name == "reload" and page in json.loads(data)["pages"]


def test_a_yaml_error_shows_the_error_page_until_it_is_fixed(served, events):
    events.next_event()
    original = served.finding.read_text(encoding="utf-8")
    edit(served.finding, "score: 2", "score: [2")
    assert events.next_event()[0] == "reload"
    wait_for(lambda: served.get(FINDING_PAGE)[0] == 500, "the error page", served)
    page = served.get(FINDING_PAGE)[1]
    assert "The build failed" in page
    assert re.search(r"postbedrijf/2026/findings/centrale-lijn\.md:\d+: ", page)
    assert LIVE_SCRIPT in page
    assert served.get("/")[0] == 500  # every page, not only the broken one
    assert (served.output / "site" / FINDING_PAGE.lstrip("/")).is_file()  # last good output

    served.finding.write_text(original, encoding="utf-8")
    assert events.next_event()[0] == "reload"
    wait_for(lambda: served.get(FINDING_PAGE)[0] == 200, "the report again", served)
    assert "The body of the finding about Finding centrale-lijn." in served.get(FINDING_PAGE)[1]


def test_problems_on_the_error_page_are_escaped(served, events):
    events.next_event()
    edit(served.finding, "owner:", "<b>owner</b>:")
    assert events.next_event()[0] == "reload"
    wait_for(lambda: "&lt;b&gt;owner&lt;/b&gt;" in served.get(FINDING_PAGE)[1], "escaped", served)
    assert "<b>owner</b>" not in served.get(FINDING_PAGE)[1]


def test_a_broken_portfolio_template_is_shown_and_the_server_keeps_running(served, events):
    events.next_event()
    template = served.source / "templates/site/finding.html"
    template.parent.mkdir(parents=True)
    template.write_text(
        '{% extends "site/base.html" %}\n{% block main %}{% if %}\n', encoding="utf-8"
    )
    # Making the folder is a change of its own: wait for the build that saw the file too.
    wait_for(lambda: served.get(FINDING_PAGE)[0] == 500, "the error page", served)
    assert "Expected an expression" in served.get(FINDING_PAGE)[1]

    template.unlink()
    wait_for(lambda: served.get(FINDING_PAGE)[0] == 200, "the report again", served)


def test_a_portfolio_broken_from_the_start_is_served_once_it_is_fixed(small_portfolio, tmp_path):
    finding = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    edit(finding, "score: 2", "score: 9")
    with serving(small_portfolio.root, tmp_path) as served:
        status, page = served.get("/")
        assert status == 500
        assert re.search(r"findings/centrale-lijn\.md:\d+: score: ", page)
        edit(finding, "score: 9", "score: 2")
        wait_for(lambda: served.get("/")[0] == 200, "the report once fixed", served)


def test_the_console_shows_the_address_and_one_line_per_build(served, events):
    events.next_event()
    edit(served.finding, "The body", "A body")
    assert events.next_event()[0] == "reload"
    log = served.log_text()
    assert f"serving http://127.0.0.1:{served.port}/" in log
    assert re.search(r"^built in \d+\.\d s\b", log, re.MULTILINE)
    assert re.search(
        r"^rebuilt in \d+\.\d s after a change in .*/centrale-lijn\.md\b", log, re.MULTILINE
    )


# --- Starting and stopping -------------------------------------------------------------------


@pytest.mark.parametrize("how", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "terminate"])
def test_the_server_stops_cleanly(served, how):
    assert stop(served.process, how) == 0
    assert served.log_text().rstrip().endswith("stopped")
    with pytest.raises(OSError):
        served.get("/")


def test_only_loopback_addresses_are_served_unless_asked(small_portfolio, tmp_path, capsys):
    assert run(small_portfolio.root, tmp_path / "output", host="0.0.0.0", port=0) == 2
    assert "only listens on this computer" in capsys.readouterr().err
    assert not (tmp_path / "output").exists()


def test_editor_files_and_build_output_do_not_trigger_a_build(tmp_path):
    output = tmp_path / "output"
    wanted = SourceFilter(output)
    findings = tmp_path / "audits/org/2026/findings"
    assert wanted(Change.modified, str(findings / "a.md"))
    for ignored in [
        findings / ".a.md.swp",
        findings / "a.md~",
        findings / ".#a.md",
        findings / "#a.md#",
        output / "site/index.html",
        tmp_path / ".klantspiegel-staging-x1/site/index.html",
        tmp_path / "audits/.git/index",
    ]:
        assert not wanted(Change.added, str(ignored)), ignored


# --- In a browser ----------------------------------------------------------------------------


@pytest.mark.browser
def test_an_open_page_reloads_by_itself_after_an_edit_and_after_a_fix(served, browser):
    from playwright.sync_api import expect

    page = browser.new_page()
    try:
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        # No waiting for the event stream: a build it missed still reloads the page.
        page.goto(f"http://{served.host}:{served.port}{FINDING_PAGE}")
        main = page.locator("main")

        edit(served.finding, "The body of the finding", "Seen without reloading")
        expect(main).to_contain_text("Seen without reloading", timeout=TIMEOUT * 1000)
        edit(served.finding, "score: 2", "score: [2")
        expect(page.locator("h1")).to_have_text("The build failed", timeout=TIMEOUT * 1000)
        edit(served.finding, "score: [2", "score: 2")
        expect(main).to_contain_text("Seen without reloading", timeout=TIMEOUT * 1000)
        unexpected = [e for e in errors if "status of 500" not in e]  # the error page
        assert unexpected == [], "\n".join(unexpected)
    finally:
        page.close()


@pytest.mark.browser
def test_an_open_page_the_build_did_not_render_keeps_its_place(served, browser):
    from playwright.sync_api import expect

    edited, unchanged = browser.new_page(), browser.new_page()
    try:
        edited.goto(f"http://{served.host}:{served.port}{FINDING_PAGE}")
        unchanged.goto(f"http://{served.host}:{served.port}/method.html")
        unchanged.evaluate("window.scrollTo(0, 400); window.loadedOnce = true")
        edit(served.finding, "The body of the finding", "Only this page changed")
        expect(edited.locator("main")).to_contain_text(
            "Only this page changed", timeout=TIMEOUT * 1000
        )
        edited.wait_for_timeout(1000)  # both pages heard the same event
        assert unchanged.evaluate("window.loadedOnce === true")
    finally:
        edited.close()
        unchanged.close()
