"""What a build is asked to make, declared once: the command line fills it, `serve` passes it
along, `pipeline.build` reads it and the render workers get it inside their job.

The passwords are not an option: they are secrets read for one build and never kept, so they
travel apart (`delivery.Passwords`). Neither is the progress display, which is not part of
what is built.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from klantspiegel.pdf import DEFAULT_PDF_VARIANT, PDF_VARIANTS
from klantspiegel.templating import THEME_DIR

DEFAULT_PDF_TIME_LIMIT = 300.0  # seconds; the largest example report renders in about 4


@dataclass(frozen=True)
class BuildOptions:
    pdf: bool = True  # also render one PDF per organisation
    theme_dir: Path = THEME_DIR  # templates and theme assets
    jobs: int | None = None  # processes rendering in parallel; None: one per core
    only: str | None = None  # render this organisation's artifacts only
    pdf_time_limit: float = DEFAULT_PDF_TIME_LIMIT  # seconds before a PDF is given up
    cache: bool = True  # render only what changed since the previous build
    pdf_variant: str = DEFAULT_PDF_VARIANT  # one of pdf.PDF_VARIANTS
    # (k, n): render every n-th organisation, starting at the k-th (1 <= k <= n), so n CI
    # jobs share a large portfolio; the portfolio pages are rendered by each
    shard: tuple[int, int] | None = None
    # the site's pages only: the PDFs (which the pages link), the client bundles and the
    # site's search index are kept as the previous build made them, for a later build to
    # finish (serve reloads pages first)
    pages_first: bool = False

    def __post_init__(self) -> None:
        if self.pdf_variant not in PDF_VARIANTS:
            known = ", ".join(PDF_VARIANTS)
            raise ValueError(f"unknown PDF variant '{self.pdf_variant}' (known: {known})")
        if self.jobs is not None and self.jobs < 1:
            raise ValueError(f"jobs must be at least 1, not {self.jobs}")
        if self.shard is not None and not 1 <= self.shard[0] <= self.shard[1]:
            raise ValueError(f"shard {self.shard[0]}/{self.shard[1]}: not one of 1/N to N/N")
        if not self.pdf_time_limit > 0:  # also refuses nan
            raise ValueError(f"the PDF time limit must be above 0 s, not {self.pdf_time_limit:g}")

    @property
    def portfolio_deferred(self) -> bool:
        """Whether the portfolio's own pages and the exports, which show every organisation,
        are left for a later build: a pages-first build of some organisations only (serve
        after an edit inside one organisation) reports on those alone."""
        return self.pages_first and (self.only is not None or self.shard is not None)

    def renders(self, slug: str, position: int) -> bool:
        """Whether this build renders the organisation at `position` (0-based, in the
        portfolio's order) with folder `slug`."""
        if self.only is not None and slug != self.only:
            return False
        return self.shard is None or position % self.shard[1] == self.shard[0] - 1
