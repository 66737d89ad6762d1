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
