"""Looking for leaks: every byte a build wrote, as text, so a test can say what must not be there.

A hostile case passes only when its secret (a file outside the portfolio, a draft, another
organisation's finding) is absent from every output file: pages, the search index
(decompressed), PDF text and attachments, exports.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader

GZIP_MAGIC = b"\x1f\x8b"


def output_texts(output: Path) -> Iterator[tuple[str, str]]:
    """(relative path, text) for every file under `output`, decoded the way a reader would."""
    for path in sorted(p for p in output.rglob("*") if p.is_file()):
        name = path.relative_to(output).as_posix()
        data = path.read_bytes()
        if data.startswith(GZIP_MAGIC):  # Pagefind's index and fragments
            data = gzip.decompress(data)
        if path.suffix == ".pdf":
            yield from _pdf_texts(name, data)
        elif path.suffix == ".xlsx":
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                for member in archive.namelist():
                    yield f"{name}!{member}", archive.read(member).decode("utf-8", "replace")
        else:
            yield name, data.decode("utf-8", "replace")


def _pdf_texts(name: str, data: bytes) -> Iterator[tuple[str, str]]:
    reader = PdfReader(io.BytesIO(data))
    yield name, "\n".join(page.extract_text() or "" for page in reader.pages)
    for attachment, contents in reader.attachments.items():
        for content in contents:
            yield f"{name}!{attachment}", content.decode("utf-8", "replace")
    yield f"{name}!metadata", repr(reader.metadata)


def leaks(output: Path, *secrets: str) -> list[str]:
    """Every 'file: secret' where a secret appears in what the build wrote."""
    return [
        f"{name}: {secret!r}"
        for name, text in output_texts(output)
        for secret in secrets
        if secret in text
    ]


def assert_nothing_leaked(output: Path, *secrets: str) -> None:
    assert output.is_dir(), f"no output at {output}"
    found = leaks(output, *secrets)
    assert not found, "\n".join(found[:20])
