"""Incremental builds: after any kind of change, a rebuild gives the bytes of a clean build,
and it renders what the change touches and nothing else."""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest
from conftest import PortfolioWriter
from hostile_kit import assert_nothing_leaked
from pypdf import PdfReader

from klantspiegel.build_options import BuildOptions
from klantspiegel.cache import CACHE_DIR
from klantspiegel.cli import main
from klantspiegel.pipeline import build
from klantspiegel.problems import ContentError
from klantspiegel.render import RenderFailed
from klantspiegel.templating import THEME_DIR

PNG = base64.b64decode(  # a 1x1 red pixel
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def folders(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_dir()}


def three_organisations(root: Path) -> PortfolioWriter:
    w = PortfolioWriter(root)
    for slug, name in [
        ("postbedrijf", "Postbedrijf Noord"),
        ("spoorweg", "Spoorweg Zuid"),
        ("waterbedrijf", "Waterbedrijf Oost"),
    ]:
        w.organisation(slug, name=name)
        w.audit(slug)
        w.anecdote(slug, "gemist-pakje")
        w.finding(slug, "centrale-lijn", anecdotes="gemist-pakje")
        w.finding(slug, "loket", dimension="mandaat", score=4, kind="strength")
    return w


@pytest.fixture
def built(tmp_path):
    """A portfolio built once (site only), so each test changes something and rebuilds."""
    writer = three_organisations(tmp_path / "audits")
    output = tmp_path / "output"
    build(writer.root, output, BuildOptions(pdf=False))
    return writer, output


def assert_same_as_clean_build(source: Path, output: Path, tmp_path: Path, pdf: bool = False):
    clean = tmp_path / "clean" / "output"
    build(source, clean, BuildOptions(pdf=pdf, cache=False))
    assert snapshot(output) == snapshot(clean)
    assert folders(output) == folders(clean)  # no empty folders left behind either


def test_an_edit_no_exported_cell_shows_leaves_the_exports_as_they_were(built, tmp_path):
    writer, output = built
    finding = writer.root / "postbedrijf" / "2026" / "findings" / "centrale-lijn.md"
    finding.write_text(finding.read_text(encoding="utf-8") + "\nA line only the page shows.\n")
    result = build(writer.root, output, BuildOptions(pdf=False))
    assert "site/postbedrijf/findings/centrale-lijn.html" in result.rendered
    assert "exports" not in result.rendered
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_an_edit_of_an_exported_cell_writes_the_exports_again(built, tmp_path):
    writer, output = built
    writer.finding("postbedrijf", "loket", dimension="mandaat", score=3, kind="strength")
    result = build(writer.root, output, BuildOptions(pdf=False))
    assert "exports" in result.rendered
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_shards_render_disjoint_organisations_that_together_make_the_whole(tmp_path):
    writer = three_organisations(tmp_path / "audits")
    whole = tmp_path / "whole"
    build(writer.root, whole, BuildOptions(pdf=False))
    parts = [tmp_path / f"shard-{k}" for k in (1, 2)]
    for k, part in enumerate(parts, 1):
        build(writer.root, part, BuildOptions(pdf=False, shard=(k, 2)))
    organisations = [{p.name for p in (part / "clients").iterdir()} for part in parts]
    assert organisations == [{"postbedrijf", "waterbedrijf"}, {"spoorweg"}]
    combined = {**snapshot(parts[0]), **snapshot(parts[1])}
    everything = snapshot(whole)
    for name, data in everything.items():
        if name.startswith(("site/postbedrijf/", "site/spoorweg/", "clients/", "exports/")):
            assert combined.get(name) == data, name


def test_a_rebuild_with_nothing_changed_renders_nothing(built):
    writer, output = built
    before = snapshot(output)
    result = build(writer.root, output, BuildOptions(pdf=False))
    assert result.rendered == []
    assert result.organisations == 3 and result.findings == 6 and result.pages > 0
    assert snapshot(output) == before


def test_editing_a_finding_renders_its_organisation_and_the_portfolio_pages_only(built, tmp_path):
    writer, output = built
    writer.finding(
        "postbedrijf",
        "loket",
        dimension="mandaat",
        score=3,
        kind="strength",
        title="Het loket is open",
    )
    result = build(writer.root, output, BuildOptions(pdf=False))
    assert "site/postbedrijf/findings/loket.html" in result.rendered
    assert "clients/postbedrijf/findings/loket.html" in result.rendered
    assert "site/index.html" in result.rendered
    assert "site/dimensions/mandaat.html" in result.rendered  # its score appears there
    assert "site/dimensions/klachten.html" not in result.rendered
    assert not [a for a in result.rendered if "spoorweg" in a or "waterbedrijf" in a]
    assert "site/assets" not in result.rendered and "site/method.html" not in result.rendered
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_an_edit_links_the_search_index_files_it_leaves_as_they_were(built, tmp_path):
    writer, output = built
    kept = tmp_path / "kept"  # more names for the previous index's files: none is freed
    shutil.copytree(output / "site" / "pagefind", kept, copy_function=os.link)
    writer.finding("postbedrijf", "loket", dimension="mandaat", title="Het loket is dicht")

    result = build(writer.root, output, BuildOptions(pdf=False))

    index = output / "site" / "pagefind"
    files = sorted(p.relative_to(index) for p in index.rglob("*") if p.is_file())
    same = [
        f
        for f in files
        if (kept / f).is_file() and (kept / f).read_bytes() == (index / f).read_bytes()
    ]
    new = [f for f in files if f not in same]
    assert "site/pagefind" in result.rendered
    assert new and len(same) > len(new)  # the edited page's fragment, and the index
    assert all(os.path.samefile(index / f, kept / f) for f in same)
    assert not any((kept / f).exists() and os.path.samefile(index / f, kept / f) for f in new)
    assert_same_as_clean_build(writer.root, output, tmp_path)


@pytest.mark.parametrize(
    "change",
    [
        "anecdote",
        "organisation file",
        "deleted finding",
        "renamed finding",
        "new organisation",
        "deleted organisation",
        "portfolio setting",
        "scoring model",
        "image",
    ],
)
def test_after_each_kind_of_change_a_rebuild_equals_a_clean_build(built, tmp_path, change):
    writer, output = built
    root = writer.root
    if change == "anecdote":
        writer.anecdote("spoorweg", "gemist-pakje", title="Het pakje kwam nooit")
    elif change == "organisation file":
        writer.organisation("waterbedrijf", name="Waterbedrijf West", sector="Water")
    elif change == "deleted finding":
        (root / "spoorweg/2026/findings/loket.md").unlink()
    elif change == "renamed finding":
        (root / "spoorweg/2026/findings/loket.md").rename(root / "spoorweg/2026/findings/balie.md")
    elif change == "new organisation":
        writer.organisation("gemeente", name="Gemeente Midden")
        writer.audit("gemeente")
        writer.finding("gemeente", "wachtrij")
    elif change == "deleted organisation":
        shutil.rmtree(root / "waterbedrijf")
    elif change == "portfolio setting":
        writer.write(
            "portfolio.yaml", "consultancy: Ander Advies\nlanguage: nl\naccent_colour: '#aa3300'\n"
        )
    elif change == "scoring model":
        model = (Path("klantspiegel/scoring_models/default.yaml")).read_text(encoding="utf-8")
        writer.write("model.yaml", model.replace("Bereikbaarheid", "Bereikbaarheid en toegang"))
        writer.write(
            "portfolio.yaml", "consultancy: Test Advies\nlanguage: nl\nscoring_model: model.yaml\n"
        )
    elif change == "image":
        (root / "postbedrijf/2026/findings/foto.png").write_bytes(PNG)
        path = root / "postbedrijf/2026/findings/loket.md"
        path.write_text(path.read_text() + "\n![De balie](foto.png)\n")
    build(root, output, BuildOptions(pdf=False))
    assert_same_as_clean_build(root, output, tmp_path)


def _computed_include(root: Path) -> None:
    (root / "templates/partials").mkdir(parents=True)
    (root / "templates/partials/regel.txt").write_text("EERSTE")
    (root / "templates/site").mkdir(parents=True)
    (root / "templates/site/finding.html").write_text(
        '{% extends "site/base.html" %}{% block main %}'
        '{% include "partials/regel" ~ ".txt" %}{% endblock %}'
    )


def _asset_linked_to_a_shared_file(root: Path) -> None:
    (root / "templates/assets/css").mkdir(parents=True)
    (root / "gedeeld.css").write_text("p { color: red; }")
    (root / "templates/assets/css/extra.css").symlink_to("../../../gedeeld.css")


@pytest.mark.parametrize(
    "setup, change",
    [
        (
            _computed_include,  # a computed name depends on every template, not only *.html
            lambda root: (root / "templates/partials/regel.txt").write_text("TWEEDE"),
        ),
        (
            _asset_linked_to_a_shared_file,  # the link is unchanged, the file it copies is not
            lambda root: (root / "gedeeld.css").write_text("p { color: blue; }"),
        ),
    ],
    ids=["computed include of a .txt partial", "asset linked to a shared file"],
)
def test_a_change_seen_only_through_a_dependency_is_rebuilt_like_a_clean_build(
    tmp_path, setup, change
):
    writer = three_organisations(tmp_path / "audits")
    setup(writer.root)
    output = tmp_path / "output"
    build(writer.root, output, BuildOptions(pdf=False))
    change(writer.root)
    build(writer.root, output, BuildOptions(pdf=False))
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_a_markdown_body_cached_by_other_code_is_not_reused(tmp_path, monkeypatch):
    import klantspiegel.cache as cache_module

    stored = cache_module.JsonCache(tmp_path)
    stored.put("body", "<p>checked by this code</p>", [], str)
    stored.save()
    assert cache_module.JsonCache(tmp_path).get("body", str) == "<p>checked by this code</p>"
    monkeypatch.setattr(cache_module, "code_digest", lambda: "a newer sanitiser")
    assert cache_module.JsonCache(tmp_path).get("body", str) is None


def is_single_file(artifact: str) -> bool:
    """clients/<org>/<org>.html: made from the bundle's pages and assets, so it follows them."""
    parts = artifact.split("/")
    return len(parts) == 3 and parts[0] == "clients" and parts[2] == f"{parts[1]}.html"


def test_editing_a_template_renders_the_pages_that_use_it(built, tmp_path):
    writer, output = built
    own = writer.root / "templates/site/anecdote.html"
    own.parent.mkdir(parents=True)
    own.write_text(
        (THEME_DIR / "site/anecdote.html")
        .read_text()
        .replace("</article>", "<p>Verhaal uit ons archief</p></article>")
    )
    result = build(writer.root, output, BuildOptions(pdf=False))
    pages = [a for a in result.rendered if a.endswith(".html") and not is_single_file(a)]
    assert pages and all("/anecdotes/" in a for a in pages)
    assert (
        "Verhaal uit ons archief"
        in (output / "site/postbedrijf/anecdotes/gemist-pakje.html").read_text()
    )
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_editing_an_asset_copies_the_assets_and_renders_no_page(built, tmp_path):
    writer, output = built
    writer.write("templates/assets/css/extra.css", "body { letter-spacing: 0.01em; }\n")
    result = build(writer.root, output, BuildOptions(pdf=False))
    assert "site/assets" in result.rendered
    assert not [a for a in result.rendered if a.endswith(".html") and not is_single_file(a)]
    assert (output / "site/assets/css/extra.css").is_file()
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_deleting_the_cache_gives_a_full_build_with_the_same_bytes(built):
    writer, output = built
    before = snapshot(output)
    shutil.rmtree(output.parent / CACHE_DIR)
    result = build(writer.root, output, BuildOptions(pdf=False))
    assert "site/index.html" in result.rendered
    assert snapshot(output) == before


def test_a_file_missing_from_the_output_is_rendered_again(built):
    writer, output = built
    (output / "site/spoorweg/index.html").unlink()
    build(writer.root, output, BuildOptions(pdf=False))
    assert (output / "site/spoorweg/index.html").is_file()


def test_editing_a_finding_renders_only_its_organisations_pdf(tmp_path):
    writer = three_organisations(tmp_path / "audits")
    output = tmp_path / "output"
    build(writer.root, output, BuildOptions(jobs=2))
    writer.finding("spoorweg", "loket", dimension="mandaat", score=3, kind="strength")
    result = build(writer.root, output, BuildOptions(jobs=2))
    assert [a for a in result.rendered if a.endswith(".pdf")] == [
        "clients/spoorweg/spoorweg.pdf",
        "pdf/spoorweg.pdf",
    ]
    assert_same_as_clean_build(writer.root, output, tmp_path, pdf=True)


def test_a_pdf_over_the_time_limit_is_stopped_and_named(tmp_path):
    writer = three_organisations(tmp_path / "audits")
    output = tmp_path / "output"
    build(writer.root, output, BuildOptions(pdf=False))
    before = snapshot(output)
    with pytest.raises(RenderFailed) as failed:
        # No PDF renders in a millisecond, so every organisation must be stopped;
        # 0.05 s let the smallest one finish on a fast CI machine.
        build(writer.root, output, BuildOptions(pdf_time_limit=0.001, jobs=2))
    assert len(failed.value.messages) == 3  # every organisation was tried
    assert "Spoorweg Zuid (PDF): took longer than 0.001 s" in "\n".join(failed.value.messages)
    assert snapshot(output) == before


def test_the_pdf_shows_images_from_the_findings(tmp_path):
    writer = three_organisations(tmp_path / "audits")
    (writer.root / "postbedrijf/2026/findings/foto.png").write_bytes(PNG)
    path = writer.root / "postbedrijf/2026/findings/loket.md"
    path.write_text(path.read_text() + "\n![De balie](foto.png)\n")
    output = tmp_path / "output"
    build(writer.root, output, BuildOptions(only="postbedrijf"))
    images = {
        image.name
        for page in PdfReader(output / "pdf/postbedrijf.pdf").pages
        for image in page.images
    }
    assert len(images) == 1  # the photo (and the PDF has no other image)


def test_only_renders_one_organisation_and_keeps_the_others(built):
    writer, output = built
    before = snapshot(output)
    writer.finding("spoorweg", "loket", title="Spoorweg edited")
    writer.finding("postbedrijf", "loket", title="Postbedrijf edited")
    result = build(writer.root, output, BuildOptions(pdf=False, only="postbedrijf"))
    assert not [a for a in result.rendered if "spoorweg" in a]
    assert "Postbedrijf edited" in (output / "site/postbedrijf/findings/loket.html").read_text()
    assert (output / "site/spoorweg/findings/loket.html").read_bytes() == before[
        "site/spoorweg/findings/loket.html"
    ]
    full = build(writer.root, output, BuildOptions(pdf=False))  # the next full build catches up
    assert "site/spoorweg/findings/loket.html" in full.rendered


def test_the_cli_reports_what_it_rendered_and_an_unknown_only(built, capsys):
    writer, output = built
    args = ["build", "--no-pdf", "--source", str(writer.root), "--output", str(output)]
    assert main(args) == 0
    assert "is up to date" in capsys.readouterr().out
    assert main([*args, "--only", "onbekend"]) == 2
    assert "no organisation 'onbekend'" in capsys.readouterr().err


# A rebuild never skips a check a clean build makes: a cached Markdown body is reused only
# while every file its images and links resolved to has the same kind, link target and bytes.

OUTSIDE_SECRET = "OUTSIDE-SECRET-4b1e"
CLEAN_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect/></svg>'


def other_png() -> bytes:
    """A valid 1x1 PNG with other bytes than PNG."""
    from io import BytesIO

    from PIL import Image

    data = BytesIO()
    Image.new("RGB", (1, 1), (0, 0, 255)).save(data, "PNG")
    return data.getvalue()


@pytest.fixture
def built_with_images(built):
    """The built portfolio, with a photo and a drawing in one finding, built again."""
    writer, output = built
    findings = writer.root / "postbedrijf/2026/findings"
    (findings / "foto.png").write_bytes(PNG)
    (findings / "tekening.svg").write_text(CLEAN_SVG)
    path = findings / "loket.md"
    path.write_text(path.read_text() + "\n![De balie](foto.png)\n![Plan](tekening.svg)\n")
    (writer.root.parent / "outside.png").write_bytes(PNG + OUTSIDE_SECRET.encode())
    build(writer.root, output, BuildOptions(pdf=False))
    return writer, output


def assert_refused_like_a_clean_build(source: Path, output: Path, tmp_path: Path) -> None:
    before = snapshot(output)
    with pytest.raises(ContentError) as rebuilt:
        build(source, output, BuildOptions(pdf=False))
    with pytest.raises(ContentError) as clean:
        build(source, tmp_path / "clean" / "output", BuildOptions(pdf=False, cache=False))
    assert rebuilt.value.problems and rebuilt.value.problems == clean.value.problems
    assert snapshot(output) == before  # the previous output stays as it was


def test_an_image_swapped_for_a_link_out_is_refused_by_the_rebuild(built_with_images, tmp_path):
    writer, output = built_with_images
    image = writer.root / "postbedrijf/2026/findings/foto.png"
    image.unlink()
    image.symlink_to(writer.root.parent / "outside.png")
    assert_refused_like_a_clean_build(writer.root, output, tmp_path)
    assert_nothing_leaked(output, OUTSIDE_SECRET)


def test_script_added_to_a_clean_svg_is_refused_by_the_rebuild(built_with_images, tmp_path):
    writer, output = built_with_images
    drawing = writer.root / "postbedrijf/2026/findings/tekening.svg"
    drawing.write_text(CLEAN_SVG.replace("<rect/>", "<script>alert(1)</script><rect/>"))
    assert_refused_like_a_clean_build(writer.root, output, tmp_path)


def test_an_image_with_new_bytes_is_copied_again_by_the_rebuild(built_with_images, tmp_path):
    writer, output = built_with_images
    (writer.root / "postbedrijf/2026/findings/foto.png").write_bytes(other_png())
    build(writer.root, output, BuildOptions(pdf=False))
    media = output / "site/postbedrijf/findings/media"
    assert other_png() in [p.read_bytes() for p in media.iterdir()]
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_a_template_include_added_later_is_followed_by_the_next_builds(built, tmp_path):
    writer, output = built
    own = writer.root / "templates/site"
    own.mkdir(parents=True)
    (own / "_archive_note.html").write_text("<p>Uit het archief</p>")
    (own / "anecdote.html").write_text(
        (THEME_DIR / "site/anecdote.html")
        .read_text()
        .replace("</article>", '{% include "site/_archive_note.html" %}</article>')
    )
    build(writer.root, output, BuildOptions(pdf=False))
    (own / "_archive_note.html").write_text("<p>Uit ons eigen archief</p>")
    result = build(writer.root, output, BuildOptions(pdf=False))
    assert "site/postbedrijf/anecdotes/gemist-pakje.html" in result.rendered
    assert (
        "Uit ons eigen archief"
        in (output / "site/postbedrijf/anecdotes/gemist-pakje.html").read_text()
    )
    assert_same_as_clean_build(writer.root, output, tmp_path)


def test_what_templates_include_is_remembered_by_their_text_across_locales_and_builds(tmp_path):
    from klantspiegel.cache import TemplateDigests, TemplateReferences
    from klantspiegel.templating import environment

    remembered = TemplateReferences()
    english = TemplateDigests(environment(THEME_DIR, tmp_path, "en-GB"), remembered)
    dutch = TemplateDigests(environment(THEME_DIR, tmp_path, "nl-NL"), remembered)
    assert english.of("site/finding.html") == dutch.of("site/finding.html")
    parsed = len(remembered.known)
    assert parsed > 3  # the finding page, its base, its macros...
    dutch.of("site/finding.html")
    assert len(remembered.known) == parsed  # nothing parsed twice

    remembered.save(tmp_path)
    later = TemplateReferences()
    later.load(tmp_path)
    assert later.known == remembered.known
    (tmp_path / "template-references.json").write_text('{"x": 3, "y": [1]}')
    damaged = TemplateReferences()
    damaged.load(tmp_path)
    assert damaged.known == {}  # a damaged cache is ignored, never trusted


def test_a_single_edited_organisation_is_rendered_without_a_process_pool(
    built, tmp_path, monkeypatch
):
    import klantspiegel.render as render_module

    pools = []

    class CountedPool(render_module.ProcessPoolExecutor):
        def __init__(self, *args, **kwargs):
            pools.append(1)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(render_module, "ProcessPoolExecutor", CountedPool)
    writer, output = built

    def add_a_line(slug: str) -> None:  # a text no export shows: one task to render
        finding = writer.root / slug / "2026/findings/loket.md"
        finding.write_text(finding.read_text() + "\nNog een zin.\n")

    add_a_line("spoorweg")
    result = build(writer.root, output, BuildOptions(pdf=False, jobs=2))
    assert "site/spoorweg/findings/loket.html" in result.rendered and pools == []
    assert_same_as_clean_build(writer.root, output, tmp_path)  # a clean build: in a pool

    pools.clear()
    add_a_line("postbedrijf")
    add_a_line("waterbedrijf")
    result = build(writer.root, output, BuildOptions(pdf=False, jobs=2))
    assert "site/waterbedrijf/findings/loket.html" in result.rendered and pools == [1]
