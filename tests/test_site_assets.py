"""The site and every client bundle carry only the assets their pages use."""

from __future__ import annotations

from klantspiegel.cli import main


def test_the_print_stylesheet_is_in_neither_the_site_nor_a_bundle(small_portfolio, tmp_path):
    output = tmp_path / "output"
    assert (
        main(
            ["--source", str(small_portfolio.root), "--output", str(output), "--no-pdf", "--quiet"]
        )
        == 0
    )
    stylesheets = sorted(p.relative_to(output).as_posix() for p in output.rglob("assets/css/*"))
    assert stylesheets == [
        "clients/postbedrijf/assets/css/site.css",
        "clients/postbedrijf/assets/css/theme.css",
        "site/assets/css/site.css",
        "site/assets/css/theme.css",
    ]
