"""Charts: accessible, CSP-safe, escaped, deterministic SVG with the right geometry."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET

import pytest

from klantspiegel import charts, charts_detail
from klantspiegel.charts import BarRow, JourneyPoint, MatrixPoint, Series, TrendPoint

NS = "{http://www.w3.org/2000/svg}"
DIMENSIONS = [
    "Bereikbaarheid & kanalen",
    "Mandaat & vertrouwen",
    "Eigenaarschap & samenwerking",
    "Processen & regels",
    "Aandacht & houding",
    "Klachten & herstel",
    "Sturing & KPI's",
    "Leiderschap & structuur",
    "Klantinzicht & leren",
]
QUADRANTS = {
    "quick_win": "Snelle winst",
    "major_project": "Grote projecten",
    "fill_in": "Opvullers",
    "thankless": "Ondankbare klussen",
}
ROLES = ("current", "previous", "benchmark")
EVIL = "<script>alert(\"x\")</script> & 'co'"


def dutch(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def make_radar(values: list[float | None], axes: list[str] | None = None) -> charts.Chart:
    axes = axes or DIMENSIONS[: len(values)]
    return charts.radar(
        "radar",
        axes,
        [
            Series("Deze audit", values, "current"),
            Series("Vorige audit", [2.0] * len(axes), "previous"),
            Series("Sector", [3.0] * len(axes), "benchmark"),
        ],
        title="Scores per dimensie",
        description="Score per dimensie.",
        value_format=dutch,
    )


def make_matrix(points: list[MatrixPoint]) -> charts.Chart:
    return charts_detail.priority_matrix(
        "matrix",
        points,
        title="Prioriteiten",
        description="Matrix.",
        axis_impact="Impact",
        axis_effort="Inspanning",
        quadrant_names=QUADRANTS,
    )


def make_journey() -> charts.Chart:
    steps = [
        JourneyPoint("Website bezoeken", "Klant", 1, False),
        JourneyPoint("Formulier invullen", "Klant", -2, True),
        JourneyPoint("Telefonisch contact met klantenservice", "Medewerker", 0, False),
        JourneyPoint(EVIL, "Teamleider", 2, True),
    ]
    return charts_detail.journey_curve(
        "journey",
        steps,
        title="Klantreis",
        description="Emotie.",
        moment_label="Moment van de waarheid",
    )


def all_charts() -> dict[str, charts.Chart]:
    return {
        "gauge": charts.gauge(
            "gauge",
            3.37,
            title="Totaalindex",
            description="Index 3,4.",
            level_name="Gedefinieerd",
            not_assessed="Niet beoordeeld",
            value_text="3,4",
            band_labels=[
                "Reactief",
                "Ontwikkelend",
                "Gedefinieerd",
                "Geïntegreerd",
                "Klantgedreven",
            ],
        ),
        "gauge-none": charts.gauge(
            "gauge-none",
            None,
            title="Totaalindex",
            description="-",
            level_name="",
            not_assessed="Niet beoordeeld",
            value_text="–",
        ),
        "radar": make_radar([3.4, 2.1, None, 2.8, 4.2, 1.0, 2.5, 3.0, 5.0]),
        "bars": charts.bars(
            "bars",
            [
                BarRow(EVIL, 3.4, 3.0, 2.9),
                BarRow("Mandaat", None, 2.5),
                BarRow("Klachten & herstel", 5.0),
            ],
            title="Scores",
            description="Balken.",
            not_assessed="Niet beoordeeld",
            benchmark_label="Sector",
            value_format=dutch,
            previous_label="Vorige audit",
        ),
        "journey": make_journey(),
        "matrix": make_matrix(
            [
                MatrixPoint("Terugbellen", 5, 1, "findings/a.html?x=1&y=2"),
                MatrixPoint(EVIL, 5, 1),
                MatrixPoint("CRM", 2, 5),
            ]
        ),
        "trend": charts_detail.trend(
            "trend",
            [
                TrendPoint("jan 2022", 2.4),
                TrendPoint("mrt 2023", None),
                TrendPoint("nov 2024", 3.4),
                TrendPoint("dec 2024", 3.5),
            ],
            title="Index door de tijd",
            description="Trend.",
            value_format=dutch,
        ),
    }


def parse(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))


def by_class(root: ET.Element, *names: str) -> list[ET.Element]:
    return [e for e in root.iter() if set(names) <= set(e.get("class", "").split())]


def centre_of(element: ET.Element) -> tuple[float, float]:
    if element.tag == f"{NS}circle":
        return float(element.get("cx")), float(element.get("cy"))
    coords = [tuple(map(float, p.split(","))) for p in element.get("points").split()]
    return (sum(x for x, _ in coords) / len(coords), sum(y for _, y in coords) / len(coords))


def viewbox(root: ET.Element) -> tuple[float, float]:
    _, _, width, height = map(float, root.get("viewBox").split())
    return width, height


def texts(root: ET.Element) -> list[str]:
    return [e.text or "" for e in root.iter(f"{NS}text")]


@pytest.fixture(scope="module")
def built() -> dict[str, charts.Chart]:
    return all_charts()


# --- every chart -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(all_charts()))
def test_svg_is_well_formed_and_labelled(built, name):
    root = parse(built[name])
    assert root.tag == f"{NS}svg"
    assert root.get("role") == "img"
    title_id, desc_id = root.get("aria-labelledby").split()
    assert root.find(f"{NS}title").get("id") == title_id == f"{name}-title"
    assert root.find(f"{NS}desc").get("id") == desc_id == f"{name}-desc"
    assert root.find(f"{NS}title").text == built[name].title
    assert root.find(f"{NS}desc").text == built[name].description
    kind = name.split("-")[0]
    assert root.get("class") == f"chart chart-{kind}"
    assert root.get("font-family") == "Inter, sans-serif"


@pytest.mark.parametrize("name", list(all_charts()))
def test_no_inline_styles_and_fluid_size(built, name):
    svg = str(built[name].svg)
    root = parse(built[name])
    assert "style=" not in svg and "<style" not in svg
    assert all("style" not in e.attrib for e in root.iter())
    assert root.get("width") is None and root.get("height") is None
    assert viewbox(root)[0] > 0


@pytest.mark.parametrize("name", list(all_charts()))
def test_output_is_deterministic_and_compact(built, name):
    again = all_charts()[name]
    assert again.svg == built[name].svg
    numbers = re.findall(r'(?:[xy]|cx|cy|r|points|d|width|height)="([^"]*)"', str(again.svg))
    assert not [n for n in numbers if re.search(r"\.\d{3}", n)]


@pytest.mark.parametrize("name", list(all_charts()))
def test_text_is_dark_enough_and_inside_the_viewbox(built, name):
    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    root = parse(built[name])
    width, height = viewbox(root)
    for text in root.iter(f"{NS}text"):
        fill = text.get("fill")
        if fill != "#ffffff":  # white numbers sit on accent circles
            assert 1.05 / (luminance(fill) + 0.05) >= 4.5, (name, text.text, fill)
        if text.get("transform"):
            continue
        x, y, size = float(text.get("x")), float(text.get("y")), float(text.get("font-size"))
        extent = len(text.text) * size * 0.55
        left = {"middle": x - extent / 2, "end": x - extent}.get(text.get("text-anchor"), x)
        assert left >= 0 and left + extent <= width, (name, text.text)
        assert y - size >= 0 and y <= height, (name, text.text)


def test_text_is_escaped(built):
    for name in ("bars", "journey", "matrix"):
        svg = str(built[name].svg)
        assert "<script>" not in svg
        assert "&lt;script&gt;" in svg
    assert any(t.startswith("<script>") for t in texts(parse(built["bars"])))
    matrix = parse(built["matrix"])
    assert {e.get("href") for e in matrix.iter(f"{NS}a")} == {"findings/a.html?x=1&y=2"}
    chart = charts_detail.trend(
        "t", [TrendPoint("a", 1), TrendPoint("b", 2)], title=EVIL, description=EVIL
    )
    assert parse(chart).find(f"{NS}title").text == EVIL
    assert "<script>" not in str(chart.svg)


# --- gauge -------------------------------------------------------------------------------------


def test_gauge_shows_value_level_and_bands(built):
    root = parse(built["gauge"])
    assert "3,4" in texts(root) and "Gedefinieerd" in texts(root)
    assert [len(by_class(root, f"band-{i}")) for i in range(1, 6)] == [1] * 5
    assert len(by_class(root, "value-arc")) == 1
    assert built["gauge"].table_rows == (("3,4 (Gedefinieerd)",),)


def test_gauge_without_value_is_grey_with_the_not_assessed_text(built):
    root = parse(built["gauge-none"])
    assert "Niet beoordeeld" in texts(root)
    assert not by_class(root, "value-arc") and not by_class(root, "needle")
    assert len(by_class(root, "band-none")) == 5 and not by_class(root, "band-3")
    assert built["gauge-none"].table_rows == (("Niet beoordeeld",),)


def test_gauge_value_arc_ends_at_the_value():
    chart = charts.gauge(
        "g", 3.0, title="t", description="d", level_name="x", not_assessed="n", value_text="3,0"
    )
    needle = by_class(parse(chart), "needle")[0].get("d")
    (x1, _), (x2, _) = [tuple(map(float, p.split(","))) for p in needle[1:].split("L")]
    assert x1 == pytest.approx(x2)  # 3 is the middle of 1..5: a vertical needle
    plain = charts.gauge("g", 1.0, title="t", description="d", level_name="", not_assessed="n")
    assert "1.0" in texts(parse(plain)) and plain.table_rows == (("1.0",),)
    assert not by_class(parse(plain), "value-arc")  # nothing to fill at the minimum


# --- radar -------------------------------------------------------------------------------------


def radar_geometry(root: ET.Element) -> tuple[tuple[float, float], dict[int, list]]:
    spoke = by_class(root, "spoke")[0].get("d")
    centre = tuple(map(float, spoke[1:].split("L")[0].split(",")))
    rings = {
        int(c.split("-")[1]): [tuple(map(float, p.split(","))) for p in e.get("points").split()]
        for e in by_class(root, "ring")
        for c in e.get("class").split()
        if c.startswith("ring-")
    }
    return centre, rings


def test_radar_places_five_on_the_outer_ring_and_one_on_the_inner_ring():
    root = parse(make_radar([5.0, 1.0, 3.0, 5.0, 1.0]))
    centre, rings = radar_geometry(root)
    markers = [centre_of(e) for e in by_class(root, "series-current", "marker")]
    assert markers[0] == pytest.approx(rings[5][0], abs=0.01)
    assert markers[1] == pytest.approx(rings[1][1], abs=0.01)
    assert markers[3] == pytest.approx(rings[5][3], abs=0.01)
    outer, inner = (math.dist(centre, markers[i]) for i in (0, 1))
    assert inner == pytest.approx(outer / 5, abs=0.01) and inner > 15


def test_radar_joins_the_assessed_axes_into_one_closed_shape():
    root = parse(make_radar([3.0, None, 3.0, 3.0, 3.0, 3.0]))
    centre, _ = radar_geometry(root)
    markers = [centre_of(e) for e in by_class(root, "series-current", "marker")]
    assert len(markers) == 5 and all(math.dist(centre, m) > 50 for m in markers)
    line = by_class(root, "series-current", "line")[0].get("d")
    assert line.count("M") == 1 and line.endswith("Z")  # never loose segments
    assert len(by_class(root, "series-current", "area")) == 1


def test_radar_marks_an_unassessed_axis_dashed_and_labelled():
    root = parse(make_radar([3.0, None, 3.0, 3.0, 3.0, 3.0]))
    dashed = by_class(root, "spoke", "not-assessed")
    assert len(dashed) == 1 and dashed[0].get("stroke-dasharray")
    assert [e.text for e in by_class(root, "axis-note")] == ["(n/a)"]


@pytest.mark.parametrize(
    ("values", "fits"),
    [
        ([3.0] * 9, True),
        ([3.0] * 7 + [None] * 2, True),
        ([3.0] * 6 + [None] * 3, False),
        ([3.0] * 4 + [None], False),
        ([3.0] * 5, True),
    ],
)
def test_radar_only_where_most_dimensions_are_assessed(values, fits):
    assert charts.radar_fits(values) is fits


def test_radar_series_differ_by_dash_and_marker_shape(built):
    root = parse(built["radar"])
    lines = {role: by_class(root, f"series-{role}", "line")[0] for role in ROLES}
    assert lines["current"].get("stroke-dasharray") is None
    assert lines["previous"].get("stroke-dasharray") != lines["benchmark"].get("stroke-dasharray")
    shapes = {role: {e.tag for e in by_class(root, f"series-{role}", "marker")} for role in ROLES}
    assert len({frozenset(s) for s in shapes.values()}) == 3
    assert {"Deze audit", "Vorige audit", "Sector"} <= set(texts(root))


def test_radar_wraps_long_labels_and_tables_the_values(built):
    root = parse(built["radar"])
    labels = [e.text for e in by_class(root, "axis-label")]
    assert "Eigenaarschap &" in labels and "samenwerking" in labels
    assert built["radar"].table_head == ("", "Deze audit", "Vorige audit", "Sector")
    assert built["radar"].table_rows[2] == ("Eigenaarschap & samenwerking", "–", "2,0", "3,0")
    assert built["radar"].table_rows[0] == ("Bereikbaarheid & kanalen", "3,4", "2,0", "3,0")


# --- bars --------------------------------------------------------------------------------------


def test_bars_scale_markers_and_not_assessed(built):
    root = parse(built["bars"])
    ticks = {e.text: float(e.get("x")) for e in by_class(root, "tick")}
    bars = by_class(root, "bar")
    assert len(bars) == 2  # the not-assessed row has no bar
    assert float(bars[1].get("x")) + float(bars[1].get("width")) == pytest.approx(ticks["5"])
    assert float(bars[0].get("x")) == pytest.approx(ticks["1"])
    assert "Niet beoordeeld" in texts(root)
    previous = by_class(root, "series-previous", "marker")
    assert len(previous) == 1 and previous[0].get("fill") == "#ffffff"
    assert len(by_class(root, "series-benchmark", "marker")) == 1
    assert built["bars"].table_rows == (
        (EVIL, "3,4", "3,0", "2,9"),
        ("Mandaat", "–", "2,5", "–"),
        ("Klachten & herstel", "5,0", "–", "–"),
    )


# --- journey -----------------------------------------------------------------------------------


def test_journey_marks_moments_and_shapes_points_by_sign(built):
    root = parse(built["journey"])
    rings = [centre_of(e) for e in by_class(root, "moment", "ring")]
    negative = by_class(root, "point-negative")
    positive = by_class(root, "point-positive")
    assert len(rings) == 2 and len(by_class(root, "star")) == 3  # two marks and the legend
    assert rings[0] == pytest.approx(centre_of(negative[0]))
    assert {e.tag for e in positive} != {e.tag for e in negative}
    assert len(by_class(root, "point-neutral")) == 1
    assert [e.text for e in by_class(root, "step-number")] == ["1", "2", "3", "4"]
    assert "Moment van de waarheid" in texts(root)
    y_of = {e.text: float(e.get("y")) for e in by_class(root, "tick")}
    assert centre_of(negative[0])[1] == pytest.approx(y_of["−2"] - 4.5)
    assert y_of["+2"] < y_of["0"] < y_of["−2"]  # positive emotion is up
    assert centre_of(positive[0])[1] < centre_of(negative[0])[1]
    assert built["journey"].table_rows[1] == (
        "2",
        "Formulier invullen",
        "Klant",
        "−2",
        "Moment van de waarheid",
    )


# --- priority matrix ---------------------------------------------------------------------------


def quadrant_at(root: ET.Element, point: tuple[float, float]) -> str:
    for rect in by_class(root, "quadrant"):
        x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
        if x <= point[0] <= x + w and y <= point[1] <= y + h:
            return rect.get("class").split()[1].removeprefix("quadrant-")
    raise AssertionError(point)


def test_matrix_puts_points_in_their_quadrants_and_numbers_them():
    points = [
        MatrixPoint("a", 5, 1),
        MatrixPoint("b", 3, 2),
        MatrixPoint("c", 2, 3),
        MatrixPoint("d", 1, 1),
        MatrixPoint("e", 4, 5),
    ]
    chart = make_matrix(points)
    root = parse(chart)
    centres = [centre_of(e) for e in by_class(root, "point")]
    assert [quadrant_at(root, c) for c in centres] == [
        "quick_win",
        "quick_win",
        "thankless",
        "fill_in",
        "major_project",
    ]
    assert centres[0][0] < centres[4][0] and centres[0][1] < centres[3][1]  # low effort left
    assert [e.text for e in by_class(root, "point-number")] == ["1", "2", "3", "4", "5"]
    assert chart.table_rows[2] == ("3", "c", "2", "3", "Ondankbare klussen")
    assert chart.table_head == ("#", "", "Impact", "Inspanning", "")


def test_matrix_offsets_identical_points_so_none_overlap():
    root = parse(make_matrix([MatrixPoint(str(i), 5, 1) for i in range(7)]))
    circles = by_class(root, "point")
    for i, a in enumerate(circles):
        for b in circles[i + 1 :]:
            gap = math.dist(centre_of(a), centre_of(b))
            assert gap >= float(a.get("r")) + float(b.get("r"))
        assert quadrant_at(root, centre_of(a)) == "quick_win"


def test_matrix_links_markers_with_an_href(built):
    root = parse(built["matrix"])
    links = list(root.iter(f"{NS}a"))
    assert len(links) == 1 and links[0].find(f"{NS}circle") is not None
    assert links[0].find(f"{NS}title").text == "1. Terugbellen"


# --- trend -------------------------------------------------------------------------------------


def test_trend_breaks_the_line_at_a_missing_value(built):
    root = parse(built["trend"])
    assert len(by_class(root, "series-current", "marker")) == 3
    assert by_class(root, "series-current", "line")[0].get("d").count("M") == 1  # only 3-4
    assert {"2,4", "3,4", "3,5"} <= set(texts(root))
    assert built["trend"].table_rows == (
        ("jan 2022", "2,4"),
        ("mrt 2023", "–"),
        ("nov 2024", "3,4"),
        ("dec 2024", "3,5"),
    )


# --- WeasyPrint --------------------------------------------------------------------------------


def rendered_svg_boxes(html: str) -> list:
    weasyprint = pytest.importorskip("weasyprint")
    page = weasyprint.HTML(string=html).render().pages[0]
    found, stack = [], [page._page_box]
    while stack:
        box = stack.pop()
        if str(getattr(box, "element_tag", "")).endswith("svg"):
            found.append(box)
        stack.extend(getattr(box, "children", ()))
    return found


@pytest.mark.parametrize("name", ["radar", "gauge", "matrix"])
def test_weasyprint_scales_the_svg_to_its_block(built, name):
    html = f'<div style="width: 10cm">{built[name].svg}</div>'
    (box,) = rendered_svg_boxes(html)
    width, height = viewbox(parse(built[name]))
    assert box.width == pytest.approx(10 / 2.54 * 96, rel=0.01)
    assert box.height == pytest.approx(box.width * height / width, rel=0.01)


# --- issue 12: charts that read in print and on a phone ----------------------------------------


def box_of(element: ET.Element) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) of a rect, circle or polygon."""
    if element.tag == f"{NS}rect":
        x, y, w, h = (float(element.get(k)) for k in ("x", "y", "width", "height"))
        return x, y, x + w, y + h
    if element.tag == f"{NS}circle":
        (x, y), r = centre_of(element), float(element.get("r"))
        return x - r, y - r, x + r, y + r
    coords = [tuple(map(float, p.split(","))) for p in element.get("points").split()]
    return (
        min(x for x, _ in coords),
        min(y for _, y in coords),
        max(x for x, _ in coords),
        max(y for _, y in coords),
    )


def overlap(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_bar_markers_with_equal_values_hide_neither_each_other_nor_the_bar_end():
    chart = charts.bars(
        "b",
        [BarRow("Gelijk", 3.0, 3.0, 3.0)],
        title="t",
        description="d",
        not_assessed="n",
        benchmark_label="Sector",
        previous_label="Vorige",
    )
    root = parse(chart)
    bar = box_of(by_class(root, "bar")[0])
    previous = box_of(by_class(root, "series-previous", "marker")[0])
    benchmark = box_of(by_class(root, "series-benchmark", "marker")[0])
    assert not overlap(previous, benchmark)
    assert not overlap(previous, bar) and not overlap(benchmark, bar)
    assert previous[3] <= bar[1] and benchmark[1] >= bar[3]  # above and below the bar


def test_a_score_at_the_scale_start_is_a_visible_stub_not_a_missing_bar():
    chart = charts.bars(
        "b",
        [BarRow("Laag", 1.0, None, None), BarRow("Hoog", 5.0, None, None)],
        title="t",
        description="d",
        not_assessed="n",
        benchmark_label="Sector",
    )
    low, high = (box_of(e) for e in by_class(parse(chart), "bar"))
    assert low[2] - low[0] >= 0.025 * (high[2] - high[0])


def test_radar_markers_with_equal_values_nest_and_stay_visible():
    root = parse(make_radar([2.0, 3.0, 3.0, 3.0, 3.0]))  # axis 0: current = previous = 2.0
    shapes = [e for e in root.iter() if "marker" in e.get("class", "").split()]
    order = [next(c for c in e.get("class").split() if c.startswith("series-")) for e in shapes]
    assert order.index("series-previous") > order.index("series-current")  # drawn over it
    current = box_of(by_class(root, "series-current", "marker")[0])
    previous = by_class(root, "series-previous", "marker")[0]
    assert previous.get("fill") == "none"  # an outline: the circle inside stays visible
    inner = box_of(previous)
    assert inner[0] < current[0] and inner[2] > current[2]


def test_every_chart_text_but_the_headline_is_the_one_chart_text_size(built):
    for name, chart in built.items():
        sizes = {
            float(e.get("font-size"))
            for e in parse(chart).iter(f"{NS}text")
            if "headline" not in e.get("class", "")
        }
        assert sizes == {charts.TEXT_SIZE}, name


def test_responsive_chart_has_a_narrow_layout_with_its_own_ids():
    chart = charts.responsive(
        charts.bars,
        "b",
        rows=[BarRow("a", 3.0)],
        title="t",
        description="d",
        not_assessed="n",
        benchmark_label="s",
    )
    wide, narrow = ET.fromstring(str(chart.svg)), ET.fromstring(str(chart.narrow))
    assert viewbox(wide)[0] == 436 and viewbox(narrow)[0] == 300
    assert narrow.find(f"{NS}title").get("id") == "b-narrow-title"


def journey_with(labels: list[str], width: float) -> ET.Element:
    steps = [JourneyPoint(label, "Klant", (i % 5) - 2, False) for i, label in enumerate(labels)]
    return ET.fromstring(
        str(
            charts_detail.journey_curve(
                "j", steps, title="t", description="d", moment_label="m", width=width
            ).svg
        )
    )


LONG_STEPS = [
    "Ontvangstruimte van het hoofdkantoor",
    "Wachtrij aan het loket",
    "Telefonische klantendienst met keuzemenu",
    "Terugbelverzoek via het webformulier",
    "Levering",
    "Klachtenbehandeling door de afdeling geschillen",
]


@pytest.mark.parametrize("width", [300.0, 436.0])
def test_journey_step_labels_are_never_cut(width):
    root = journey_with(LONG_STEPS, width)
    shown = " ".join(e.text for e in by_class(root, "step-label"))
    assert "…" not in shown
    for label in LONG_STEPS:
        assert label in shown


@pytest.mark.parametrize("labels", [LONG_STEPS, ["Thuis", "Voordeur", "Postkantoor (telefoon)"]])
def test_journey_step_labels_do_not_collide(labels):
    from klantspiegel.svg import text_width

    root = journey_with(labels, 436.0)
    boxes = []
    for e in by_class(root, "step-label"):
        x, y, w = float(e.get("x")), float(e.get("y")), text_width(e.text)
        left = {"middle": x - w / 2, "end": x - w}.get(e.get("text-anchor"), x)
        boxes.append((left, y - 13, left + w, y))
        assert left >= 0 and left + w <= 436
    for i, a in enumerate(boxes):
        assert not any(overlap(a, b) for b in boxes[i + 1 :]), a


def test_report_charts_use_the_portfolios_accent_colour(small_portfolio):
    from klantspiegel.load import load_portfolio
    from klantspiegel.report import build_report, latest_scores

    small_portfolio.write(
        "portfolio.yaml", "consultancy: Test\nlanguage: nl\naccent_colour: '#aa3377'\n"
    )
    portfolio, problems = load_portfolio(small_portfolio.root)
    assert portfolio is not None, problems
    report = build_report(
        portfolio.organisations[0], portfolio, latest_scores(portfolio), audience="client"
    )
    for chart in (report.charts.gauge, report.charts.bars, *report.charts.journeys.values()):
        assert "#aa3377" in chart.svg and charts.ACCENT not in chart.svg


def test_the_dimension_pages_charts_use_the_portfolios_accent_colour_too(small_portfolio):
    from klantspiegel.load import load_portfolio
    from klantspiegel.report import build_report, latest_scores
    from klantspiegel.site import site_pages

    small_portfolio.write(
        "portfolio.yaml", "consultancy: Test\nlanguage: nl\naccent_colour: '#aa3377'\n"
    )
    portfolio, problems = load_portfolio(small_portfolio.root)
    assert portfolio is not None, problems
    peers = latest_scores(portfolio)
    reports = {
        o.slug: build_report(o, portfolio, peers, audience="consultant")
        for o in portfolio.organisations
    }
    dimension_pages = [p for p in site_pages(portfolio, reports) if p.path.startswith("dim")]

    with_bars = [p for p in dimension_pages if any(e.row.score.score for e in p.context["entries"])]

    assert len(dimension_pages) == len(portfolio.scoring_model.dimensions) > len(with_bars) > 0
    assert all("#aa3377" in page.context["chart"].svg for page in with_bars)
    assert not any(charts.ACCENT in page.context["chart"].svg for page in dimension_pages)


def test_report_bars_hold_the_assessed_dimensions_highest_first(small_portfolio):
    from klantspiegel.load import load_portfolio
    from klantspiegel.report import build_report, latest_scores

    small_portfolio.finding("postbedrijf", "klachten", dimension="klachten", score=3)
    portfolio, problems = load_portfolio(small_portfolio.root)
    assert portfolio is not None, problems
    report = build_report(
        portfolio.organisations[0], portfolio, latest_scores(portfolio), audience="client"
    )
    assert [row[1] for row in report.charts.bars.table_rows] == ["4,0", "3,0", "2,0"]
    assert report.charts.radar is None  # 3 of 9 assessed: no radar


def test_the_bar_charts_description_names_only_the_markers_it_draws(small_portfolio):
    from klantspiegel.load import load_portfolio
    from klantspiegel.report import build_report, latest_scores

    portfolio, _ = load_portfolio(small_portfolio.root)
    report = build_report(portfolio.organisations[0], portfolio, latest_scores(portfolio), "client")
    description = report.charts.bars.description
    assert description.startswith("De beoordeelde dimensies van 1 tot 5")
    assert "vorige audit" not in description and "sectormediaan" not in description


def test_the_bar_charts_description_names_the_previous_audit_when_it_draws_it(small_portfolio):
    from test_numbers import two_audits

    from klantspiegel.load import load_portfolio
    from klantspiegel.report import build_report, latest_scores

    two_audits(small_portfolio, {"bereikbaarheid": 2}, {"bereikbaarheid": 3})
    portfolio, _ = load_portfolio(small_portfolio.root)
    report = build_report(portfolio.organisations[0], portfolio, latest_scores(portfolio), "client")
    assert report.charts.bars.description.endswith("Gemarkeerd: de vorige audit.")
