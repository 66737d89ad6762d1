"""Finishing WeasyPrint's tagged PDF so it meets PDF/UA-1 where WeasyPrint stops short.

WeasyPrint writes the structure tree; this module mends it afterwards with pikepdf, one
function per kind of repair, each applied to every structure element of that kind.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import pikepdf


def finish(pdf_bytes: bytes, *edits: Callable[[pikepdf.Pdf], None]) -> bytes:
    """The PDF with its structure tree mended and `edits` applied, in one pass (opening and
    saving a PDF is the costly part); the same input gives the same bytes."""
    with pikepdf.open(io.BytesIO(pdf_bytes)) as pdf:
        for element in list(structure_elements(pdf)):
            _give_header_cells_a_scope(element)
            _dissolve_groups_in_lists(element)
            _put_list_item_content_in_a_body(pdf, element)
        _gather_link_parts(pdf)
        for edit in edits:
            edit(pdf)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()


def structure_elements(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Dictionary]:
    """Every structure element under the document's StructTreeRoot, depth first."""
    root = pdf.Root.get("/StructTreeRoot")
    if root is None:
        return
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in reversed(list(kids) if isinstance(kids, pikepdf.Array) else [kids]):
            if not isinstance(kid, pikepdf.Dictionary) or kid.get("/Type") in ("/OBJR", "/MCR"):
                continue
            if kid.is_indirect:
                if kid.objgen in seen:
                    continue
                seen.add(kid.objgen)
            yield kid
            stack.append(kid)


def _give_header_cells_a_scope(element: pikepdf.Dictionary) -> None:
    """A TH says whether it heads a column or a row (PDF/UA checkers ask for /Scope): a header
    cell in the table's head heads a column, one in its body heads its row."""
    if element.get("/S") != "/TH":
        return
    row = element.get("/P")
    section = row.get("/P") if row is not None else None
    scope = "/Column" if section is not None and section.get("/S") == "/THead" else "/Row"
    attributes = element.get("/A")
    if not isinstance(attributes, pikepdf.Dictionary):
        attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
        element.A = attributes
    attributes.Scope = pikepdf.Name(scope)


def _kids(element: pikepdf.Dictionary) -> list:
    """An element's /K as a list (a single kid is stored bare)."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(kid: object) -> bool:
    """Whether a /K entry is a structure element (not a marked-content id, MCR or OBJR)."""
    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") not in ("/OBJR", "/MCR")


def _dissolve_groups_in_lists(element: pikepdf.Dictionary) -> None:
    """A list holds list items only: the <div> that groups a term with its description in
    a <dl> (valid HTML, and what the grid layouts need) becomes a Div between L and LI, so
    its items move up into the list. A group holding content of its own stays."""
    if element.get("/S") != "/L":
        return
    kids: list = []
    changed = False
    pending = _kids(element)
    while pending:
        kid = pending.pop(0)
        grouped = _kids(kid) if _is_element(kid) and kid.get("/S") in _GROUPS else []
        if grouped and all(_is_element(k) for k in grouped):
            pending[:0] = grouped
            changed = True
        else:
            kids.append(kid)
    if changed:
        for kid in kids:
            if _is_element(kid):
                kid.P = element
        element.K = pikepdf.Array(kids)


_GROUPS = ("/Div", "/NonStruct")


def _put_list_item_content_in_a_body(pdf: pikepdf.Pdf, element: pikepdf.Dictionary) -> None:
    """A list item holds its label and body only: when an <li>'s content is blocks (a
    footnote's paragraph, a loose Markdown list), WeasyPrint files them straight under the LI,
    so each run of them is wrapped in one LBody."""
    if element.get("/S") != "/LI":
        return
    kids: list = []
    body: pikepdf.Dictionary | None = None
    changed = False
    for kid in _kids(element):
        if not _is_element(kid) or kid.get("/S") in ("/Lbl", "/LBody"):
            kids.append(kid)
            body = None
            continue
        if body is None:
            changed = True
            body = pdf.make_indirect(
                pikepdf.Dictionary(
                    Type=pikepdf.Name.StructElem,
                    S=pikepdf.Name.LBody,
                    P=element,
                    K=pikepdf.Array(),
                )
            )
            if "/Pg" in element:
                body.Pg = element.Pg
            kids.append(body)
        body.K.append(kid)
        kid.P = body
    if changed:
        element.K = pikepdf.Array(kids)


def _gather_link_parts(pdf: pikepdf.Pdf) -> None:
    """One HTML link is one Link element holding all its annotations.

    WeasyPrint gives every box inside an <a> its own link annotation (each line of a wrapped
    link, an inline-block inside it, its ::before and ::after) and files each under the box's
    own element: a Span, or a Link nested in the link. PDF/UA wants every link annotation in
    a Link element, and a Link with its text: so each annotation moves to the outermost Link
    around it (the <a>), and the nested parts that are left without an annotation are Spans.
    """
    root = pdf.Root.get("/StructTreeRoot")
    if root is None or "/ParentTree" not in root:
        return
    parent_tree = pikepdf.NumberTree(root.ParentTree)
    elements = list(structure_elements(pdf))
    for element in elements:
        annotations = [
            kid
            for kid in _kids(element)
            if isinstance(kid, pikepdf.Dictionary)
            and kid.get("/Type") == "/OBJR"
            and kid.Obj.get("/Subtype") == "/Link"
        ]
        if not annotations:
            continue
        link = _outermost_link(element)
        if link is None:
            element.S = pikepdf.Name.Link
            continue
        if link.objgen == element.objgen:
            continue
        moved = {annotation.objgen for annotation in annotations}
        element.K = pikepdf.Array(
            [
                kid
                for kid in _kids(element)
                if not (isinstance(kid, pikepdf.Dictionary) and kid.objgen in moved)
            ]
        )
        link.K = pikepdf.Array([*_kids(link), *annotations])
        for annotation in annotations:
            if "/StructParent" in annotation.Obj:
                parent_tree[int(annotation.Obj.StructParent)] = link
    for element in elements:
        if element.get("/S") != "/Link":
            continue
        outermost = _outermost_link(element)
        if outermost is not None and outermost.objgen != element.objgen:
            element.S = pikepdf.Name.Span


def _outermost_link(element: pikepdf.Dictionary) -> pikepdf.Dictionary | None:
    """The outermost Link among the element and its ancestors, if any."""
    outermost: pikepdf.Dictionary | None = None
    node: pikepdf.Object | None = element
    while isinstance(node, pikepdf.Dictionary) and node.get("/Type") == "/StructElem":
        if node.get("/S") == "/Link":
            outermost = node
        node = node.get("/P")
    return outermost
