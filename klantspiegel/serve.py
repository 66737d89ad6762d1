"""`serve`: a local preview that rebuilds on every change and reloads the open pages.

The built files stay exactly as `build` writes them: the live-reload script is added to each
HTML page as it is sent. When a build fails, the last good output stays on disk, but every
page shows the build's problems until a build succeeds again.
"""

from __future__ import annotations

import ipaddress
import json
import mimetypes
import queue
import signal
import socket
import sys
import threading
import time
import traceback
import uuid
import webbrowser
from collections.abc import Iterable
from dataclasses import replace
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import watchfiles

from klantspiegel import layout
from klantspiegel.build_options import BuildOptions
from klantspiegel.exit_codes import ExitCode
from klantspiegel.layout import PDF_DIR, SITE_DIR
from klantspiegel.load import ORGANISATION_FILE, TEMPLATES_DIR
from klantspiegel.pipeline import BuildResult, Remembered, UnknownOrganisation, build
from klantspiegel.problems import ContentError
from klantspiegel.serve_pages import LIVE, Event, PdfState, error_page, file_under, with_live_script

ASSETS = {
    "live.js": "text/javascript",
    "error.css": "text/css",
    "notice.css": "text/css",
    "failed.svg": "image/svg+xml",
}
ASSETS_DIR = Path(__file__).resolve().parent / "serve_assets"
KEEPALIVE_SECONDS = 15  # an idle event stream sends a comment, so closed tabs are noticed
OWN_FOLDERS = ".klantspiegel-"  # staging and retired outputs, caches: written by builds
EDITOR_FILES = (r"^#.*#$", r"^4913$", r"\.tmp$", r"\.kate-swp$")  # emacs, vim, atomic saves


class Preview:
    """What the server shows: the last build's problems (none when it succeeded), its version,
    the state of the PDFs, and the open pages waiting to hear about the next build.

    A change is built in two steps: the pages (linking the PDFs and searching the index, which
    are kept as they were), after which the pages reload; then, in the background, the site's
    search index and any PDFs. The build lock runs one build at a time, as both write the
    same output.
    """

    def __init__(self, source: Path, output: Path, options: BuildOptions):
        self.source = source
        self.site = output / SITE_DIR
        self.pdf = output / PDF_DIR
        self.problems: list[str] = []
        self.version = ""  # "<server start>-<build number>": a page that saw another reloads
        self.pdf_state = PdfState()
        self._output = output
        self._options = options
        self._started = uuid.uuid4().hex[:8]
        self._remembered = Remembered()  # a save changes one organisation
        self._builds = 0
        self._build_lock = threading.Lock()
        self._finish_wanted = threading.Event()  # set by a pages build, cleared by the finish
        self._site_waiting = 0  # site builds waiting for the lock: a PDF build gives way
        self._stopping = False
        self._listeners: set[queue.SimpleQueue[Event | None]] = set()
        self._listeners_lock = threading.Lock()

    def rebuild(self, changed: str = "", organisation: str | None = None) -> None:
        """Build the pages (one build at a time), print one line, tell every open page to
        reload, and ask the background for the rest (search index, PDFs).

        After a change inside one `organisation` (its folder name), only its pages are built
        first; the portfolio's pages, which show every organisation, follow in the background.
        """
        with self._listeners_lock:
            self._site_waiting += 1
        with self._build_lock:
            with self._listeners_lock:
                self._site_waiting -= 1
            site_options = replace(self._options, pages_first=True, only=organisation)
            started = time.perf_counter()
            shown_problems = bool(self.problems)
            self.problems, summary, outcome = self._build(site_options)
            seconds = time.perf_counter() - started
            self._builds += 1
            self.version = f"{self._started}-{self._builds}"
            what = "built" if self._builds == 1 else "rebuilt"
            because = f" after a change in {changed}" if changed else ""
            if self.problems:
                print(f"build failed{because}: {summary}, shown in the browser", flush=True)
            else:
                print(f"{what} in {seconds:.1f} s{because}{summary}", flush=True)
            # every page showed the problems, or shows them now: every page reloads
            self._tell_listeners(self._reload(None if shown_problems else outcome))
            # with problems every page shows them, and the rest waits for a good build
            unfinished = not self.problems and outcome is not None and outcome.unfinished
            if self._options.pdf:
                self._set_pdf_state(PdfState("updating" if unfinished else ""))
            if unfinished:
                self._finish_wanted.set()
            else:
                self._finish_wanted.clear()

    def finish_in_background(self) -> None:
        """In the background until `close`: after each pages build that left something, build
        it (what that build rendered is kept: the search index, the changed PDFs, and after an
        edit inside one organisation the portfolio's pages are what is rendered)."""
        what = "search index and PDFs" if self._options.pdf else "search index"
        while True:
            self._finish_wanted.wait()
            with self._build_lock:
                if self._stopping:
                    return
                self._finish_wanted.clear()
                started = time.perf_counter()
                problems, _, outcome = self._build(self._options)
                seconds = time.perf_counter() - started
                if problems:
                    print(f"{what} failed: {problems[0]}", flush=True)
                else:
                    print(f"{what} updated in {seconds:.1f} s", flush=True)
                if outcome and changed_pages(outcome.rendered) != []:
                    # the portfolio's pages, after an edit inside one organisation (not the
                    # client bundles it finishes: serve shows none)
                    self._builds += 1
                    self.version = f"{self._started}-{self._builds}"
                    self._tell_listeners(self._reload(outcome))
                if not self._options.pdf:
                    continue
                with self._listeners_lock:
                    newer = self._site_waiting > 0  # its own build will ask for the PDFs again
                if problems:
                    self._set_pdf_state(PdfState("failed", "\n".join(problems)))
                elif not newer:
                    self._set_pdf_state(PdfState())

    def _reload(self, outcome: BuildResult | None) -> Event:
        """Tell open pages a build finished: the pages it rendered or removed reload, the
        others keep their place (every page reloads after a failed build, or with the site's
        assets)."""
        pages = None if outcome is None else changed_pages(outcome.rendered + outcome.removed)
        return Event("reload", json.dumps({"version": self.version, "pages": pages}))

    def _build(self, options: BuildOptions) -> tuple[list[str], str, BuildResult | None]:
        """Run the build; return the problems to show (none when it succeeded), a summary, and
        what it made (None when it failed)."""
        try:
            try:
                result = build(self.source, self._output, options, remembered=self._remembered)
            except UnknownOrganisation:  # a folder that does not load as one: build them all
                everything = replace(options, only=None)
                result = build(self.source, self._output, everything, remembered=self._remembered)
        except ContentError as error:
            errors = sum(1 for p in error.problems if p.severity == "error")
            return [p.format(self.source) for p in error.problems], f"{errors} error(s)", None
        except Exception as error:  # a bug: show it, keep serving
            traceback.print_exc()
            return [f"{type(error).__name__}: {error}"], "1 error", None
        summary = f" ({len(result.warnings)} warning(s))" if result.warnings else ""
        return [], summary, result

    def listen(self) -> tuple[queue.SimpleQueue[Event | None], list[Event]]:
        """A new listener, and the events that say where things stand now (hello, the PDFs)."""
        listener: queue.SimpleQueue[Event | None] = queue.SimpleQueue()
        with self._listeners_lock:
            self._listeners.add(listener)
            now = [Event("hello", self.version)]
            if self._options.pdf:
                now.append(self.pdf_state.event())
        return listener, now

    def stop_listening(self, listener: queue.SimpleQueue[Event | None]) -> None:
        with self._listeners_lock:
            self._listeners.discard(listener)

    def close(self) -> None:
        """End every open event stream, and the PDF builds once the running one finished."""
        self._stopping = True
        self._finish_wanted.set()
        self._tell_listeners(None)

    def _set_pdf_state(self, state: PdfState) -> None:
        with self._listeners_lock:
            self.pdf_state = state
        self._tell_listeners(state.event())

    def _tell_listeners(self, event: Event | None) -> None:
        with self._listeners_lock:
            for listener in self._listeners:
                listener.put(event)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True  # event streams never end by themselves

    def __init__(self, host: str, port: int, preview: Preview):
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.preview = preview
        super().__init__((host, port), PreviewHandler)


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer

    def do_GET(self) -> None:
        path = unquote(urlsplit(self.path).path)
        if path == LIVE + "events":
            self._send_events()
        elif path.startswith(LIVE) and path.removeprefix(LIVE) in ASSETS:
            name = path.removeprefix(LIVE)
            self._send(HTTPStatus.OK, ASSETS[name], (ASSETS_DIR / name).read_bytes())
        else:
            self._send_file(path)

    def _send_file(self, path: str) -> None:
        preview = self.server.preview
        if preview.problems and Path(path).suffix in ("", ".html"):
            page = error_page(preview.problems)
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, "text/html", page)
        if path.startswith(f"/{PDF_DIR}/"):
            file = file_under(preview.pdf, path.removeprefix(f"/{PDF_DIR}/"))
        else:
            file = file_under(preview.site, path)
        if file is not None and file.is_dir():
            if not path.endswith("/"):
                return self._redirect(path + "/")
            file = file / "index.html"
        try:
            body = file.read_bytes() if file is not None else None
        except OSError:  # missing, or gone for a moment while a build swaps the output
            body = None
        if file is None or body is None:
            return self._send_not_found()
        self._send(HTTPStatus.OK, mimetypes.guess_type(file.name)[0] or "", body)

    def _send_not_found(self) -> None:
        try:
            kind, body = "text/html", (self.server.preview.site / "404.html").read_bytes()
        except OSError:
            kind, body = "text/plain", b"not found\n"
        self._send(HTTPStatus.NOT_FOUND, kind, body)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, kind: str, body: bytes) -> None:
        if kind == "text/html":
            body = with_live_script(body, self.server.preview.version)
            kind = "text/html; charset=utf-8"
        self.send_response(status)
        self.send_header("Content-Type", kind or "application/octet-stream")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")  # a reload must show the new build
        self.end_headers()
        self.wfile.write(body)

    def _send_events(self) -> None:
        """Server-Sent Events: `hello` with the current version (and with PDFs, their state),
        then `reload` after builds and `pdf` when the PDFs change state."""
        preview = self.server.preview
        listener, now = preview.listen()
        try:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(b"retry: 1000\n" + b"".join(event.encode() for event in now))
            while True:
                try:
                    event = listener.get(timeout=KEEPALIVE_SECONDS)
                except queue.Empty:
                    self.wfile.write(b": still here\n\n")
                    continue
                if event is None:
                    return
                self.wfile.write(event.encode())
        except OSError:  # the page went away
            pass
        finally:
            preview.stop_listening(listener)

    def log_message(self, format: str, *args: Any) -> None:
        pass  # one line per build is what the console shows, not one per request


class SourceFilter(watchfiles.DefaultFilter):
    """Changes worth a build: not editor droppings, version control, or the builds' own output."""

    def __init__(self, output: Path):
        patterns = (*watchfiles.DefaultFilter.ignore_entity_patterns, *EDITOR_FILES)
        super().__init__(ignore_entity_patterns=patterns, ignore_paths=[output])

    def __call__(self, change: watchfiles.Change, path: str) -> bool:
        if any(part.startswith(OWN_FOLDERS) for part in Path(path).parts):
            return False
        return super().__call__(change, path)


MAX_LISTED_PAGES = 1000  # an event naming more changed pages than this reloads every page


def changed_pages(rendered: Iterable[str]) -> list[str] | None:
    """The addresses of the site's pages among rendered artifacts; None for "every page"
    (the site's assets changed, or too many pages to list)."""
    prefix = SITE_DIR + "/"
    site = [a.removeprefix(prefix) for a in rendered if a.startswith(prefix)]
    if layout.ASSETS_DIR in site or sum(1 for a in site if a.endswith(".html")) > MAX_LISTED_PAGES:
        return None
    return sorted("/" + a for a in site if a.endswith(".html"))


def watch_and_rebuild(
    preview: Preview, folders: list[Path], output: Path, stop: threading.Event
) -> None:
    """Rebuild after each batch of changes (watchfiles gathers the changes of one save)."""
    for changes in watchfiles.watch(
        *folders, watch_filter=SourceFilter(output), stop_event=stop, raise_interrupt=False
    ):
        if stop.is_set():
            return
        paths = sorted(path for _, path in changes)
        preview.rebuild(_describe(paths, folders), edited_organisation(paths, preview.source))


def edited_organisation(paths: Iterable[str], source: Path) -> str | None:
    """The folder name of the one organisation every changed path is inside (not the folder
    itself: one added or removed changes the portfolio); else None."""
    inside: set[str] = set()
    for path in paths:
        parts = Path(path).relative_to(source).parts if Path(path).is_relative_to(source) else ()
        if len(parts) < 2 or parts[0] == TEMPLATES_DIR:
            return None
        inside.add(parts[0])
    if len(inside) != 1:
        return None
    (organisation,) = inside
    return organisation if (source / organisation / ORGANISATION_FILE).is_file() else None


def _describe(paths: list[str], folders: Iterable[Path]) -> str:
    """The first changed file, relative to the watched folder's parent (as problems show it)."""
    existing = [path for path in paths if Path(path).exists()]  # not an editor's temp file
    first = Path((existing or paths)[0])
    for folder in folders:
        if first.is_relative_to(folder):
            first = first.relative_to(folder.parent)
            break
    return str(first)


def run(
    source: Path,
    output: Path,
    options: BuildOptions = BuildOptions(pdf=False),
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    open_browser: bool = False,
    allow_remote: bool = False,
) -> int:
    """Build, serve `output/site` on http://host:port/ and rebuild on every change until
    Ctrl-C (or SIGTERM); then return an exit code. Only loopback hosts unless `allow_remote`."""
    if not (_is_loopback(host) or allow_remote):
        print(
            f"error: serve only listens on this computer (127.0.0.1), not on {host}",
            file=sys.stderr,
        )
        return ExitCode.USAGE
    if not source.is_dir():
        print(f"error: portfolio folder not found: {source}", file=sys.stderr)
        return ExitCode.USAGE
    source, output = source.resolve(), output.resolve()
    theme_dir = options.theme_dir.resolve()
    preview = Preview(source, output, replace(options, theme_dir=theme_dir))
    try:
        server = PreviewServer(host, port, preview)
    except OSError as error:
        print(f"error: cannot listen on {host}:{port}: {error.strerror or error}", file=sys.stderr)
        return ExitCode.USAGE
    folders = [source] + ([theme_dir] if theme_dir.is_dir() else [])
    _serve_until_stopped(preview, server, host, folders, output, open_browser)
    return ExitCode.OK


def _serve_until_stopped(
    preview: Preview,
    server: PreviewServer,
    host: str,
    folders: list[Path],
    output: Path,
    open_browser: bool,
) -> None:
    """Build, then serve while a watcher rebuilds on changes (and a thread finishes the search
    index and PDFs after them), until Ctrl-C or SIGTERM; stop every thread cleanly, a running
    build finished first."""
    stop = threading.Event()
    watcher = threading.Thread(
        target=watch_and_rebuild,
        args=(preview, folders, output, stop),
        name="klantspiegel-watch",
        daemon=True,
    )
    serving = threading.Thread(target=server.serve_forever, name="klantspiegel-serve", daemon=True)
    finish = threading.Thread(
        target=preview.finish_in_background, name="klantspiegel-finish", daemon=True
    )
    previous_sigterm = _stop_on_sigterm()
    try:
        watcher.start()
        finish.start()
        preview.rebuild()
        serving.start()
        url = f"http://{host if ':' not in host else f'[{host}]'}:{server.server_address[1]}/"
        print(f"serving {url} (Ctrl-C to stop)", flush=True)
        if open_browser:
            webbrowser.open(url)
        while not stop.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        preview.close()
        if serving.is_alive():
            server.shutdown()
        server.server_close()
        watcher.join()  # let a running build finish, so the output is never half swapped
        finish.join()
        if previous_sigterm is not None:
            signal.signal(signal.SIGTERM, previous_sigterm)
    print("stopped", flush=True)


def _is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _stop_on_sigterm() -> Any:
    """Treat SIGTERM like Ctrl-C (in the main thread only, where Python runs handlers)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)
