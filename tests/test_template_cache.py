"""The template environments are cached per state of the template files, so a preview that
sees templates change needs no cache clearing."""

from pathlib import Path

from klantspiegel.templating import THEME_DIR, environment


def test_the_environment_is_reused_while_the_templates_stay_the_same(tmp_path: Path):
    assert environment(THEME_DIR, tmp_path, "en") is environment(THEME_DIR, tmp_path, "en")


def test_an_added_override_gives_a_new_environment_that_renders_it(tmp_path: Path):
    before = environment(THEME_DIR, tmp_path, "en")
    before.get_template("site/base.html")
    override = tmp_path / "templates" / "site" / "base.html"
    override.parent.mkdir(parents=True)
    override.write_text("the portfolio's own base", encoding="utf-8")

    after = environment(THEME_DIR, tmp_path, "en")

    assert after is not before
    assert after.get_template("site/base.html").render() == "the portfolio's own base"


class _Model:
    title = "a report's title"


def _function() -> None:
    """A function: its globals must stay out of reach."""


ASKED = [
    (Path("x.md"), "name"),
    (Path("x.md"), "read_text"),
    ({}, "items"),
    ({}, "update"),
    ([], "append"),
    ("", "format"),
    (_function, "__globals__"),
    (_Model(), "title"),
    (_Model(), "__class__"),
    (type, "mro"),
]


def test_the_sandbox_remembers_each_answer_per_type_and_gives_the_same(tmp_path: Path):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "extra.html").write_text("an override turns the sandbox on")
    env = environment(THEME_DIR, tmp_path, "en")
    asked_anew = [env._is_safe_attribute(obj, attr, None) for obj, attr in ASKED]  # type: ignore[attr-defined]
    first = [env.is_safe_attribute(obj, attr, None) for obj, attr in ASKED]  # type: ignore[attr-defined]
    others = [(Path("/etc/passwd"), "read_text"), ({"a": 1}, "update"), (_Model(), "__class__")]
    remembered = [env.is_safe_attribute(obj, attr, None) for obj, attr in others]  # type: ignore[attr-defined]

    assert first == asked_anew
    assert asked_anew == [True, False, True, False, False, True, False, True, False, False]
    assert remembered == [False, False, False]
