"""image_problem: a safe image passes untouched, anything active or oversized is named."""

from __future__ import annotations

import io
import os

import pytest
from PIL import Image

from klantspiegel.images import image_problem

SAFE_SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     viewBox="0 0 40 40" width="40" height="40">
  <!-- a logo as drawing programs write it -->
  <defs>
    <linearGradient id="g"><stop offset="0" stop-color="#7a2e5d"/></linearGradient>
    <style>.dot { fill: url(#g); font-family: "Inter", sans-serif }</style>
  </defs>
  <circle id="c" cx="20" cy="20" r="18" fill="url(#g)" style="stroke: #fff"/>
  <use xlink:href="#c" x="2"/>
  <a href="#c"><text x="4" y="30">Caf&#233;</text></a>
</svg>
"""


def raster(kind: str, size: tuple[int, int] = (2, 2)) -> bytes:
    data = io.BytesIO()
    Image.new("RGB", size, "red").save(data, kind)
    return data.getvalue()


def test_a_drawing_with_gradients_styles_and_internal_links_is_safe(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_text(SAFE_SVG)
    assert image_problem(path) is None


def test_a_utf16_svg_without_active_content_is_safe(tmp_path):
    path = tmp_path / "logo.svg"
    path.write_bytes(SAFE_SVG.replace("UTF-8", "UTF-16").encode("utf-16"))
    assert image_problem(path) is None


@pytest.mark.parametrize(
    ("suffix", "kind"),
    [(".png", "PNG"), (".jpg", "JPEG"), (".jpeg", "JPEG"), (".gif", "GIF"), (".webp", "WEBP")],
)
def test_each_raster_format_is_safe_under_its_own_suffix(tmp_path, suffix, kind):
    path = tmp_path / f"photo{suffix}"
    path.write_bytes(raster(kind))
    assert image_problem(path) is None


def test_the_suffix_is_matched_case_insensitively(tmp_path):
    path = tmp_path / "PHOTO.PNG"
    path.write_bytes(raster("PNG"))
    assert image_problem(path) is None


def test_a_gif_named_webp_is_refused_with_both_formats_named(tmp_path):
    path = tmp_path / "photo.webp"
    path.write_bytes(raster("GIF"))
    assert image_problem(path) == "is a GIF image but its name says WEBP (rename it to match)"


def test_an_image_exactly_at_the_side_limit_is_safe_and_one_pixel_more_is_not(tmp_path):
    path = tmp_path / "strip.png"
    path.write_bytes(raster("PNG", (20_000, 1)))
    assert image_problem(path) is None
    path.write_bytes(raster("PNG", (20_001, 1)))
    assert "too large (20001 x 1 pixels)" in image_problem(path)


def test_a_file_with_another_suffix_is_not_an_image(tmp_path):
    path = tmp_path / "notes.bmp"
    path.write_bytes(raster("BMP"))
    assert image_problem(path).startswith("is not an image (expected one of")


def test_a_fifo_is_refused_without_being_opened(tmp_path):
    path = tmp_path / "pipe.png"
    os.mkfifo(path)
    assert image_problem(path) == "is not a regular file"


def test_a_missing_file_is_a_problem_not_an_exception(tmp_path):
    assert image_problem(tmp_path / "gone.svg").startswith("cannot be read")


def test_an_svg_over_the_size_limit_is_refused_unread(tmp_path):
    path = tmp_path / "huge.svg"
    with path.open("wb") as handle:
        handle.truncate(11 * 1024 * 1024)
    assert "too large for an SVG" in image_problem(path)


def test_the_message_names_the_active_element(tmp_path):
    path = tmp_path / "x.svg"
    path.write_text('<svg xmlns="http://www.w3.org/2000/svg"><iframe/></svg>')
    assert image_problem(path).startswith(
        "contains script or other active content: a <iframe> element"
    )
