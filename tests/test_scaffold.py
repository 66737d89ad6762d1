"""`new`: a scaffolded file has every field, explained, with placeholders that validate."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
import yaml

from klantspiegel.build_options import BuildOptions
from klantspiegel.model import (
    AnecdoteFields,
    AuditFields,
    Evidence,
    FindingFields,
    JourneyStep,
    OrganisationFields,
    PortfolioConfig,
)
from klantspiegel.pipeline import build, check
from klantspiegel.placeholders import placeholder_warnings, placeholders, texts_languages
from klantspiegel.scaffold import ScaffoldError, scaffold, scaffold_portfolio
from klantspiegel.schema_fields import documented_fields

TODAY = dt.date(2026, 11, 2)
SCHEMAS = {
    "organisation": OrganisationFields,
    "audit": AuditFields,
    "finding": FindingFields,
    "anecdote": AnecdoteFields,
}


@pytest.fixture
def root(small_portfolio) -> Path:
    return small_portfolio.root


def new(
    kind: str,
    root: Path,
    organisation: str | None = "postbedrijf",
    audit: str | None = "2026",
    name: str = "Te lang in de wachtrij",
) -> Path:
    return scaffold(kind, root, organisation, audit, name, today=TODAY)  # type: ignore[arg-type]


def make(kind: str, root: Path) -> Path:
    """A new file of this kind; a new organisation gets an audit, as it needs one to load."""
    if kind != "organisation":
        return new(kind, root)
    path = new("organisation", root, name="Bank Zuid")
    new("audit", root, organisation="bank-zuid", name="Najaar 2026")
    return path


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".md":
        text = text.split("---\n")[1]
    return yaml.safe_load(text)


def comments(path: Path) -> str:
    """The YAML comments of a file as one line of text."""
    text = path.read_text(encoding="utf-8")
    return " ".join(re.findall(r"^\s*(?:- )?# (.*)$", text, flags=re.MULTILINE))


def files_of(root: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("kind", SCHEMAS)
def test_a_scaffolded_file_validates_without_errors_or_warnings(kind, root):
    make(kind, root)
    _, problems = check(root)
    assert [p.format(root) for p in problems] == []


@pytest.mark.parametrize("kind", SCHEMAS)
def test_a_scaffolded_file_has_every_field_of_its_schema(kind, root):
    data = front_matter(make(kind, root))
    assert list(data) == list(SCHEMAS[kind].model_fields)
    items = {"finding": ("evidence", Evidence), "anecdote": ("journey", JourneyStep)}
    if kind in items:
        key, item_schema = items[kind]
        assert list(data[key][0]) == list(item_schema.model_fields)


@pytest.mark.parametrize("kind", SCHEMAS)
def test_every_field_is_explained_by_the_same_description_as_the_guide(kind, root):
    text = comments(make(kind, root))
    for doc in documented_fields(SCHEMAS[kind]):
        meaning = doc.meaning[0].upper() + doc.meaning[1:]
        assert meaning.rstrip(".") in text, doc.name
        assert doc.kind[1:] in text, doc.name  # the type, with the choices of a choice


def test_a_finding_is_a_draft_in_the_first_dimension_dated_today(root):
    path = new("finding", root, name="Te lang in de wachtrij")
    data = front_matter(path)
    assert path == root / "postbedrijf/2026/findings/te-lang-in-de-wachtrij.md"
    assert data["title"] == "Te lang in de wachtrij"
    assert data["status"] == "draft"
    assert data["dimension"] == "bereikbaarheid"
    assert data["evidence"][0]["date"] == TODAY
    assert path.read_text(encoding="utf-8").split("---\n")[2].strip()


def test_a_finding_takes_the_first_dimension_of_the_portfolios_own_model(root):
    default = Path(__file__).resolve().parent.parent / "klantspiegel/scoring_models/default.yaml"
    model = yaml.safe_load(default.read_text(encoding="utf-8"))
    model["dimensions"] = model["dimensions"][::-1]
    (root / "model.yaml").write_text(yaml.safe_dump(model, allow_unicode=True))
    (root / "portfolio.yaml").write_text("consultancy: Test Advies\nscoring_model: model.yaml\n")
    assert front_matter(new("finding", root))["dimension"] == model["dimensions"][0]["key"]


def test_a_new_audit_comes_with_empty_findings_and_anecdotes_folders(root):
    path = new("audit", root, name="Voorjaar 2027")
    assert path == root / "postbedrijf/voorjaar-2027/audit.yaml"
    assert front_matter(path)["title"] == "Voorjaar 2027"
    assert front_matter(path)["date"] == TODAY
    for folder in ("findings", "anecdotes"):
        assert (path.parent / folder).is_dir() and not any((path.parent / folder).iterdir())


def test_a_new_organisation_gets_a_folder_named_after_it_and_the_portfolio_language(root):
    path = new("organisation", root, organisation=None, audit=None, name="Bank Zuid & Co")
    assert path == root / "bank-zuid-co/organisation.yaml"
    data = front_matter(path)
    assert (data["name"], data["language"]) == ("Bank Zuid & Co", "nl")
    assert "Sectors in this portfolio: Post." in comments(path)


def test_a_scaffolded_portfolio_builds_with_the_draft_finding_on_the_consultant_site(
    root, tmp_path
):
    new("organisation", root, organisation=None, audit=None, name="Bank Zuid")
    new("audit", root, organisation="bank-zuid", name="Najaar 2026")
    new("finding", root, organisation="bank-zuid", audit="najaar-2026")
    new("anecdote", root, organisation="bank-zuid", audit="najaar-2026")
    new("finding", root, name="Een tweede bevinding")  # into the existing, latest audit
    output = tmp_path / "output"
    build(root, output, BuildOptions(pdf=False))
    site = output / "site"
    page = site / "bank-zuid/findings/te-lang-in-de-wachtrij.html"
    assert "Te lang in de wachtrij" in page.read_text(encoding="utf-8")
    assert (site / "bank-zuid/anecdotes/te-lang-in-de-wachtrij.html").is_file()
    assert (site / "postbedrijf/findings/een-tweede-bevinding.html").is_file()
    # a draft never reaches the client's copy
    assert not (output / "clients/bank-zuid/findings/te-lang-in-de-wachtrij.html").exists()


def test_scaffolding_refuses_to_overwrite_a_file(root):
    existing = root / "postbedrijf/2026/findings/centrale-lijn.md"
    before = existing.read_bytes()
    with pytest.raises(ScaffoldError, match="already exists"):
        new("finding", root, name="Centrale lijn")
    assert existing.read_bytes() == before
    with pytest.raises(ScaffoldError, match="already exists"):
        new("organisation", root, name="Postbedrijf")
    with pytest.raises(ScaffoldError, match="already exists"):
        new("audit", root, name="2026")


def test_a_name_with_the_same_web_name_as_an_existing_file_is_refused(root):
    (root / "postbedrijf/2026/findings/centrale-lijn.md").rename(
        root / "postbedrijf/2026/findings/Centrale_Lijn.md"
    )
    with pytest.raises(ScaffoldError, match="web name 'centrale-lijn'"):
        new("finding", root, name="Centrale lijn")


def test_an_unknown_organisation_is_an_error_with_a_suggestion(root):
    with pytest.raises(
        ScaffoldError,
        match=r"no organisation 'postbedrijv'.*did you mean "
        r"'postbedrijf'\?",
    ):
        new("finding", root, organisation="postbedrijv")


def test_an_unknown_organisation_without_a_close_match_lists_the_organisations(root):
    with pytest.raises(ScaffoldError, match=r"no organisation 'kempenland'.*known: postbedrijf"):
        new("audit", root, organisation="kempenland")


def test_an_unknown_audit_is_an_error_with_a_suggestion(root):
    with pytest.raises(ScaffoldError, match=r"no audit '2025'.*did you mean '2026'\?"):
        new("anecdote", root, audit="2025")


def test_a_missing_organisation_or_audit_names_the_ones_that_exist(root):
    with pytest.raises(ScaffoldError, match=r"needs the organisation.*organisations: postbedrijf"):
        new("finding", root, organisation=None)
    with pytest.raises(ScaffoldError, match=r"needs the audit.*audits: 2026"):
        new("finding", root, audit=None)


def test_a_name_without_letters_or_digits_is_refused(root):
    with pytest.raises(ScaffoldError, match="no letters or digits"):
        new("finding", root, name="!!!")


def test_scaffolding_only_adds_files(root):
    before = files_of(root)
    for kind in SCHEMAS:
        make(kind, root)
    after = files_of(root)
    assert {p: after[p] for p in before} == before
    assert len(after) == len(before) + 5  # organisation, two audits, finding, anecdote


def test_a_failed_scaffold_writes_nothing(root):
    before = files_of(root)
    with pytest.raises(ScaffoldError):
        new("finding", root, audit="2025")
    assert files_of(root) == before


def test_a_folder_without_a_portfolio_is_refused(tmp_path):
    with pytest.raises(ScaffoldError, match=r"no portfolio\.yaml"):
        scaffold("organisation", tmp_path, None, None, "Bank Zuid")


def test_a_copy_of_the_example_portfolio_takes_a_new_finding(tmp_path):
    example = Path(__file__).resolve().parent.parent / "audits"
    root = tmp_path / "audits"
    shutil.copytree(example, root)
    path = scaffold("finding", root, "vlaspost", "2026-najaar", "Nieuwe bevinding", today=TODAY)
    _, problems = check(root)
    assert [p for p in problems if p.path == path] == []


def _texts(language: str) -> dict:
    path = Path(__file__).resolve().parent.parent / f"klantspiegel/scaffold_texts/{language}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _leaves(value) -> list[str]:
    """Every text in a placeholder file's value: strings, list items, mapping values."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _leaves(item)]
    return [text for item in value for text in _leaves(item)]


def _english_portfolio(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    scaffold_portfolio(root, "en", "Northwind Consulting", today=TODAY)
    organisation = next(p.parent.name for p in root.glob("*/organisation.yaml"))
    audit = next(p.parent.name for p in root.glob("*/*/audit.yaml"))
    scaffold("finding", root, organisation, audit, "Second finding", today=TODAY)
    scaffold("anecdote", root, organisation, audit, "Second story", today=TODAY)
    scaffold("audit", root, organisation, None, "Follow-up 2027", today=TODAY)
    scaffold("organisation", root, None, None, "Second client", today=TODAY)
    return root


def test_an_english_portfolios_scaffolds_hold_no_dutch_placeholder(tmp_path):
    root = _english_portfolio(tmp_path)
    dutch = [t for t in _leaves(_texts("nl")) if t not in _leaves(_texts("en"))]
    for path in root.rglob("*.*"):
        text = path.read_text(encoding="utf-8")
        assert [t for t in dutch if t in text] == [], path
    audit = root / "example-organisation/customer-centricity-audit/audit.yaml"
    assert front_matter(audit)["scope"] == _texts("en")["audit"]["scope"]


def test_a_dutch_portfolio_gets_the_dutch_placeholders(tmp_path):
    scaffold_portfolio(tmp_path / "p", "nl", today=TODAY)
    audit = next((tmp_path / "p").glob("*/*/audit.yaml"))
    data = front_matter(audit)
    assert (data["scope"], data["auditors"]) == (
        _texts("nl")["audit"]["scope"],
        _texts("nl")["audit"]["auditors"],
    )


def test_every_placeholder_language_has_the_keys_of_the_english_one():
    def keys(value, prefix=()):
        if not isinstance(value, dict) or prefix[:2] == ("portfolio", "sectors"):
            return {prefix}
        return {k for key, item in value.items() for k in keys(item, (*prefix, key))}

    english = keys(_texts("en"))
    for language in texts_languages():
        assert keys(_texts(language)) == english, language


def test_a_new_finding_takes_the_placeholders_of_its_organisations_language(root):
    new("organisation", root, organisation=None, audit=None, name="Bank Zuid")
    scaffold("organisation", root, None, None, "North Bank", today=TODAY, language="en")
    new("audit", root, organisation="north-bank", name="Autumn 2026")
    data = front_matter(new("finding", root, organisation="north-bank", audit="autumn-2026"))
    assert data["recommendation"] == _texts("en")["finding"]["recommendation"]
    assert front_matter(root / "north-bank/organisation.yaml")["locale"] == "en-GB"
    assert front_matter(root / "bank-zuid/organisation.yaml")["language"] == "nl"


def test_a_language_without_placeholder_texts_gets_the_english_ones_marked(root, monkeypatch):
    import klantspiegel.scaffold

    monkeypatch.setattr(klantspiegel.scaffold, "available_languages", lambda: ("en", "fr", "nl"))
    path = scaffold("organisation", root, None, None, "Banque Sud", today=TODAY, language="fr")
    assert front_matter(path)["description"] == _texts("en")["organisation"]["description"]
    assert "The placeholder is English: there is no 'fr' text" in comments(path)
    assert placeholders("fr").borrowed and not placeholders("nl").borrowed


def test_a_new_audit_lists_the_previous_recommendations_to_follow_up(root):
    data = front_matter(new("audit", root, name="Voorjaar 2027"))
    comment = _texts("nl")["audit"]["follow_up"]["comment"]
    assert data["follow_up"] == [
        {"recommendation": slug, "status": "not_started", "comment": comment}
        for slug in ("centrale-lijn", "postbode-keert-terug")
    ]


def test_a_new_portfolio_refuses_a_folder_that_is_not_empty(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ScaffoldError, match="not an empty folder"):
        scaffold_portfolio(tmp_path, "en")
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]


def test_a_new_portfolio_in_an_unknown_language_is_refused(tmp_path):
    with pytest.raises(ScaffoldError, match="no report language 'english'"):
        scaffold_portfolio(tmp_path / "p", "english")
    assert not (tmp_path / "p").exists()


def test_check_flags_every_placeholder_left_of_a_new_portfolio(tmp_path):
    root = tmp_path / "p"
    scaffold_portfolio(root, "en", today=TODAY)
    portfolio, _ = check(root)
    left = {(p.path.name, p.field) for p in placeholder_warnings(portfolio)}
    assert {
        ("portfolio.yaml", "consultancy"),
        ("organisation.yaml", "sector"),
        ("audit.yaml", "auditors[2]"),
        ("the-missed-delivery.md", "journey[1].happened"),
        ("the-missed-delivery.md", "text"),
    } <= left
    finding = next(
        p
        for p in placeholder_warnings(portfolio)
        if p.field == "text" and p.path.parent.name == "findings"
    )
    assert (
        finding.line
        == finding.path.read_text().splitlines().index(_texts("en")["finding"]["text"]) + 1
    )


def test_a_replaced_placeholder_is_no_longer_flagged(tmp_path):
    root = tmp_path / "p"
    scaffold_portfolio(root, "nl", today=TODAY)
    audit = next(root.glob("*/*/audit.yaml"))
    audit.write_text(
        audit.read_text(encoding="utf-8").replace(
            _texts("nl")["audit"]["scope"], "Drie winkels, oktober."
        ),
        encoding="utf-8",
    )
    portfolio, _ = check(root)
    fields = {p.field for p in placeholder_warnings(portfolio) if p.path == audit.resolve()}
    assert "scope" not in fields and "title" in fields


def test_the_example_portfolio_holds_no_placeholder_of_new():
    portfolio, _ = check(Path(__file__).resolve().parent.parent / "audits")
    assert [p.format() for p in placeholder_warnings(portfolio)] == []


def test_a_new_portfolio_file_has_every_field_of_its_schema(tmp_path):
    scaffold_portfolio(tmp_path / "p", "en", today=TODAY)
    data = yaml.safe_load((tmp_path / "p/portfolio.yaml").read_text(encoding="utf-8"))
    assert list(data) == list(PortfolioConfig.model_fields)
    assert (data["language"], data["locale"]) == ("en", "en-GB")
