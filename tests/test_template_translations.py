"""Messages in templates: translated and escaped as Jinja's i18n extension does it, with the
message of a page translated and escaped once per build, not once per page."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from klantspiegel.i18n import Translator
from klantspiegel.templating import THEME_DIR, _environment

CASES = {
    "plain": "{{ _('Findings') }}",
    "gettext": "{{ gettext('Findings') }}",
    "a variable is escaped": "{{ _('Hello %(name)s', name='<b>&') }}",
    "a percent sign": "{{ _('100%% sure') }}",
    "markup passes": "{{ _('%(x)s!', x=safe) }}",
    "plural one": "{{ ngettext('%(num)d observation', '%(num)d observations', 1) }}",
    "plural many": "{{ ngettext('%(num)d observation', '%(num)d observations', 3) }}",
    "plural, own count": "{{ ngettext('%(count)s result', '%(count)s results', 2, count='<n>') }}",
    "a trans block": "{% trans name='<i>' %}Hello {{ name }}{% endtrans %}",
    "not escaped": "{% autoescape false %}{{ _('Hello %(name)s', name='<b>') }}{% endautoescape %}",
    "twice": "{{ _('Findings') }} {{ _('Findings') }}",
}


def jinja_own(locale: str) -> jinja2.Environment:
    env = jinja2.Environment(autoescape=True, extensions=["jinja2.ext.i18n"])
    t = Translator(locale)
    env.install_gettext_callables(t.gettext, t.ngettext, newstyle=True)  # type: ignore[attr-defined]
    return env


# the theme's own templates render outside the sandbox; a portfolio's override, inside
PORTFOLIO = Path("/portfolio")
KINDS = {
    "theme": (None, (("theme", 0, 0),)),
    "sandbox": (PORTFOLIO, ((str(PORTFOLIO / "templates" / "site" / "base.html"), 0, 0),)),
}


@pytest.mark.parametrize("kind", KINDS.values(), ids=KINDS.keys())
@pytest.mark.parametrize("locale", ["nl", "en-GB"])
@pytest.mark.parametrize("source", CASES.values(), ids=CASES.keys())
def test_a_message_is_written_as_jinjas_i18n_extension_writes_it(kind, locale, source):
    ours = _environment(THEME_DIR, *kind[:1], locale, kind[1])
    context = {"safe": jinja2.utils.markupsafe.Markup("<em>ok</em>")}

    written = ours.from_string(source).render(context)

    assert written == jinja_own(locale).from_string(source).render(context)
    assert "<b>" not in written or "autoescape false" in source


def test_a_message_is_translated_and_escaped_once_per_environment(monkeypatch):
    looked_up = []
    translate = Translator.gettext
    monkeypatch.setattr(
        Translator, "gettext", lambda self, m: looked_up.append(m) or translate(self, m)
    )
    env = _environment(THEME_DIR, None, "nl", (("once", 0, 0),))
    page = env.from_string("{{ _('Findings') }} {{ _('Findings') }}")

    written = [page.render() for _ in range(3)]

    assert written == [written[0]] * 3 and written[0] == "Bevindingen Bevindingen"
    assert looked_up == ["Findings"]
