"""The client's view of an organisation: its drafts do not exist, nor does any way to them.

Everything a client is given (its bundle and search index, the PDF with its CSV, the exports)
is made from one report, and that report is built from `client_view`: the organisation with
every draft finding and draft story dropped from every audit, and every reference to them
dropped from the final texts that remain: a finding's `anecdotes:` list, and links in the
rendered Markdown of findings and stories. Counts, charts and the action plan then follow.
Internal notes are emptied too, so no template can show one to a client even by mistake.
Draft audits before the latest are dropped (and the follow-up of their recommendations with
them), and peers are compared on final audits only.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import TypeVar

from markupsafe import Markup

from klantspiegel.model import Anecdote, Audit, Finding, Organisation

# A link to a finding or story of the same audit, as references.py writes it and the sanitiser
# serialises it: attribute values double-quoted with `>` and `"` escaped, and no <a> inside an
# <a>, so an opening tag ends at the first `>` and its element at the first `</a>`.
_PAGE_LINK = re.compile(
    r'<a\s[^>]*?\bhref="\.\./(findings|anecdotes)/([a-z0-9-]+)\.html(?:#[^"]*)?"[^>]*>(.*?)</a>',
    re.DOTALL,
)

Text = TypeVar("Text", Finding, Anecdote)


def client_view(organisation: Organisation) -> Organisation:
    """The organisation as a client may see it; the same object when it holds no draft and no
    internal note.

    A draft audit before the latest does not exist (its scores would reach the trend, the
    history and the exports); the latest audit is the report itself, marked when a draft.
    """
    latest = organisation.latest_audit
    kept = tuple(a for a in organisation.audits if a.status == "final" or a is latest)
    # the follow-up of a draft audit's recommendations: the client was never given them
    gone = {id(a) for a in organisation.audits} - {id(a) for a in kept}
    orphans = {
        id(after)
        for before, after in pairwise(organisation.audits)
        if id(before) in gone and after.follow_up
    }
    audits = tuple(
        client_audit(a).model_copy(update={"follow_up": []})
        if id(a) in orphans
        else client_audit(a)
        for a in kept
    )
    if len(audits) == len(organisation.audits) and all(
        new is old for new, old in zip(audits, organisation.audits, strict=True)
    ):
        return organisation
    return organisation.model_copy(update={"audits": audits})


def final_audit(organisation: Organisation) -> Audit | None:
    """The latest final audit as a client may see it: what a peer benchmark compares, since a
    draft of one organisation must not move the numbers another client is shown."""
    final = [a for a in organisation.audits if a.status == "final"]
    return client_audit(final[-1]) if final else None


def client_audit(audit: Audit) -> Audit:
    """An audit without its draft findings and stories, references to them or internal notes."""
    drafts = {("findings", f.slug) for f in audit.findings if not f.is_final}
    drafts |= {("anecdotes", a.slug) for a in audit.anecdotes if a.status != "final"}
    texts: tuple[Finding | Anecdote, ...] = (*audit.findings, *audit.anecdotes)
    if not drafts and not any(t.internal for t in texts):
        return audit
    findings = tuple(_client_text(f, drafts) for f in audit.findings if f.is_final)
    anecdotes = tuple(_client_text(a, drafts) for a in audit.anecdotes if a.status == "final")
    return audit.model_copy(update={"findings": findings, "anecdotes": anecdotes})


def _client_text(text: Text, drafts: set[tuple[str, str]]) -> Text:
    """A final finding or story without its internal note and without links to drafts."""
    update: dict[str, object] = {"internal": ""} if text.internal else {}
    if isinstance(text, Finding):
        stories = tuple(s for s in text.anecdotes if ("anecdotes", s) not in drafts)
        if stories != tuple(text.anecdotes):
            update["anecdotes"] = stories
    html = unlink(text.html, drafts)
    if html is not text.html:
        update["html"] = html
    return text.model_copy(update=update) if update else text


def unlink(html: str, drafts: set[tuple[str, str]]) -> str:
    """The HTML with every link to a draft page turned into its words (address, title and
    all attributes go); the same object when it links to no draft."""

    def words(link: re.Match[str]) -> str:
        return link[3] if (link[1], link[2]) in drafts else link[0]

    unlinked = _PAGE_LINK.sub(words, html)
    return html if unlinked == html else Markup(unlinked)
