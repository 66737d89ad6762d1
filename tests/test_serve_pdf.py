"""`serve --pdf`: the site is rebuilt and reloaded first, the PDFs follow in the background.

The server runs in this process, so each test holds the background PDF build at a gate and
lets it go when it has seen what it wants: no test depends on how fast a PDF renders.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from test_serve import FINDING_PAGE, EventStream, edit

from klantspiegel import serve
from klantspiegel.build_options import BuildOptions
from klantspiegel.pipeline import build
from klantspiegel.serve import Preview, PreviewServer

PDF = "pdf/postbedrijf.pdf"
SEARCH = "site/pagefind"
PDF_TIMEOUT = 120.0  # seconds for a PDF build on a busy machine; a wait, never an assertion


class PdfGate:
    """Holds each background PDF build until the test lets one through."""

    def __init__(self) -> None:
        self._passes = threading.Semaphore(0)

    def let_one_through(self) -> None:
        self._passes.release()

    def wait(self) -> None:
        assert self._passes.acquire(timeout=PDF_TIMEOUT), "the test never let the PDFs through"


@dataclass
class PreviewRunning:
    """A preview server in this process (host, port for EventStream) with its PDF gate."""

    host: str
    port: int
    preview: Preview
    gate: PdfGate
    finding: Path
    output: Path


@pytest.fixture
def running(small_portfolio, tmp_path, monkeypatch) -> Iterator[PreviewRunning]:
    gate = PdfGate()

    def gated_build(source: Path, output: Path, options: BuildOptions, **kwargs):
        if options.pdf and not options.pages_first:
            gate.wait()
        return build(source, output, options, **kwargs)

    monkeypatch.setattr(serve, "build", gated_build)
    output = tmp_path / "output"
    preview = Preview(small_portfolio.root, output, BuildOptions(pdf=True, jobs=1))
    server = PreviewServer("127.0.0.1", 0, preview)
    threads = [
        threading.Thread(target=server.serve_forever, daemon=True),
        threading.Thread(target=preview.finish_in_background, daemon=True),
    ]
    for thread in threads:
        thread.start()
    preview.rebuild()
    finding = small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md"
    yield PreviewRunning("127.0.0.1", server.server_address[1], preview, gate, finding, output)
    preview.close()
    gate.let_one_through()  # a PDF build waiting at the gate finishes, then the thread stops
    server.shutdown()
    server.server_close()
    for thread in threads:
        thread.join(PDF_TIMEOUT)


def pdf_state(event: tuple[str, str]) -> str | None:
    """The state a `pdf` event announces ("" when up to date), None for another event."""
    name, data = event
    return json.loads(data)["state"] if name == "pdf" else None


def events_until_pdfs_done(stream: EventStream) -> list[tuple[str, str]]:
    seen = [stream.next_event()]
    while pdf_state(seen[-1]) != "":
        seen.append(stream.next_event())
    return seen


def opened_stream(running: PreviewRunning) -> EventStream:
    """The event stream, once the first build's PDFs are done."""
    stream = EventStream(running, timeout=PDF_TIMEOUT)
    running.gate.let_one_through()
    events_until_pdfs_done(stream)
    return stream


def test_the_site_is_reloaded_before_the_pdf_is_rebuilt(running):
    stream = opened_stream(running)
    before = (running.output / PDF).read_bytes()
    edit(running.finding, "The body of the finding", "The edited body of the finding")
    running.preview.rebuild("centrale-lijn.md")
    assert stream.next_event()[0] == "reload"
    assert pdf_state(stream.next_event()) == "updating"
    assert (running.output / PDF).read_bytes() == before  # the PDF is still the old one

    running.gate.let_one_through()
    assert pdf_state(stream.next_event()) == ""
    assert (running.output / PDF).read_bytes() != before
    stream.close()


def test_the_build_after_the_site_renders_only_what_it_left(small_portfolio, tmp_path):
    options = BuildOptions(pdf=True, jobs=1)
    output = tmp_path / "output"
    build(small_portfolio.root, output, options)
    edit(
        small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md",
        "The body of the finding",
        "The edited body of the finding",
    )
    site_first = build(small_portfolio.root, output, replace(options, pages_first=True))
    pdfs = build(small_portfolio.root, output, options)
    assert not any(a.endswith(".pdf") for a in site_first.rendered)
    assert not any(a.startswith("site/") and a.endswith(".html") for a in pdfs.rendered)
    bundle = [
        "clients/postbedrijf/postbedrijf.pdf",
        "clients/postbedrijf/findings/centrale-lijn.html",
    ]
    assert {PDF, SEARCH, *bundle} <= set(pdfs.rendered)


def test_a_page_opened_during_the_pdf_build_hears_that_it_runs(running):
    opened_stream(running).close()
    edit(running.finding, "The body of the finding", "The edited body of the finding")
    running.preview.rebuild()
    stream = EventStream(running, timeout=PDF_TIMEOUT)
    assert stream.next_event()[0] == "hello"
    assert pdf_state(stream.next_event()) == "updating"
    running.gate.let_one_through()
    assert pdf_state(stream.next_event()) == ""
    stream.close()


def test_a_failing_pdf_build_is_reported_and_the_site_stays(running, small_portfolio):
    stream = opened_stream(running)
    small_portfolio.write("templates/pdf/cover.html", "<section>{{ 1 // 0 }}</section>\n")
    running.preview.rebuild()
    assert stream.next_event()[0] == "reload"
    assert pdf_state(stream.next_event()) == "updating"
    running.gate.let_one_through()
    name, data = stream.next_event()
    assert (name, json.loads(data)["state"]) == ("pdf", "failed")
    assert "ZeroDivisionError" in json.loads(data)["problems"] or "division" in data
    assert running.preview.problems == []  # the site is not an error page
    assert (running.output / "site" / FINDING_PAGE.lstrip("/")).is_file()
    stream.close()


@pytest.mark.browser
def test_the_page_shows_a_notice_while_the_pdf_is_updated(running, browser):
    from playwright.sync_api import expect

    opened_stream(running).close()
    page = browser.new_page()
    try:
        page.goto(f"http://{running.host}:{running.port}{FINDING_PAGE}")
        notice = page.locator(".klantspiegel-pdf-notice")
        edit(running.finding, "The body of the finding", "Seen without reloading")
        running.preview.rebuild()
        expect(page.locator("main")).to_contain_text("Seen without reloading", timeout=20_000)
        expect(notice).to_have_text("De pdf wordt bijgewerkt…", timeout=20_000)
        running.gate.let_one_through()
        expect(notice).to_be_hidden(timeout=PDF_TIMEOUT * 1000)
    finally:
        page.close()


def index_files(output: Path) -> dict[str, bytes]:
    index = output / SEARCH
    return {
        p.relative_to(index).as_posix(): p.read_bytes() for p in index.rglob("*") if p.is_file()
    }


def test_pages_first_leaves_the_search_index_to_the_next_build(small_portfolio, tmp_path):
    options = BuildOptions(pdf=False, jobs=1)
    output = tmp_path / "output"
    build(small_portfolio.root, output, options)
    before = index_files(output)
    edit(
        small_portfolio.root / "postbedrijf/2026/findings/centrale-lijn.md",
        "The body of the finding",
        "The body of the finding, with zwavelzuurgehalte",
    )
    pages = build(small_portfolio.root, output, replace(options, pages_first=True))
    assert "site/postbedrijf/findings/centrale-lijn.html" in pages.rendered
    assert SEARCH not in pages.rendered and index_files(output) == before

    finished = build(small_portfolio.root, output, options)
    site = [a for a in finished.rendered if not a.startswith("clients/")]  # and the bundle
    assert site == [SEARCH] and index_files(output) != before
    clean = tmp_path / "clean"
    build(small_portfolio.root, clean, replace(options, cache=False))
    assert index_files(output) == index_files(clean)


def test_a_first_build_with_pages_first_makes_the_search_index(small_portfolio, tmp_path):
    output = tmp_path / "output"
    result = build(small_portfolio.root, output, BuildOptions(pdf=False, jobs=1, pages_first=True))
    assert SEARCH in result.rendered and (output / SEARCH / "pagefind-entry.json").is_file()
