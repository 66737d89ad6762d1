"""Encrypted delivery: what leaves the consultancy by e-mail or file transfer.

For every organisation with a password, a build also writes `delivery/<org>/<org>.pdf` (its
PDF, AES-256 encrypted, still tagged and readable by assistive technology) and
`delivery/<org>/<org>.zip` (its client bundle, AES-256 encrypted with the same password).

Passwords come from a file outside the portfolio and the output (`--passwords`: a YAML mapping
of organisation folder name to password, readable by its owner only) or from environment
variables `KLANTSPIEGEL_PASSWORD_<ORG>` (the folder name upper-cased, `-` as `_`), which win.
A password is never written anywhere but into the encryption: not into the output, the build
cache (not even as a hash: the delivery is encrypted anew on every build, it takes a fraction
of a second), a message or a traceback.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from klantspiegel.cache import files_under
from klantspiegel.layout import DELIVERY_DIR
from klantspiegel.problems import Problem
from klantspiegel.source import parse_yaml
from klantspiegel.writes import artifact_writer

ENVIRONMENT_PREFIX = "KLANTSPIEGEL_PASSWORD_"
# The manifest key of a delivery: never equal to a planned key, so it is written on every build.
ENCRYPTED_ANEW = "encrypted anew on every build"
MAX_FILE_BYTES = 64 * 1024


class PasswordError(ValueError):
    """The passwords cannot be used; the message says why and never holds a password."""


class DeliveryFailed(Exception):
    """An organisation's delivery could not be written; the message never holds a password."""


@dataclass(frozen=True)
class Passwords:
    """Organisation folder name -> password, from the file and the environment."""

    from_file: Mapping[str, str] = field(default_factory=dict, repr=False)
    from_environment: Mapping[str, str] = field(default_factory=dict, repr=False)

    def __bool__(self) -> bool:
        return bool(self.from_file or self.from_environment)

    def __repr__(self) -> str:  # a debugger or a log line shows which, never what
        return (
            f"Passwords(organisations={sorted(self.from_file)}, environment="
            f"{sorted(self.from_environment)})"
        )

    def of(self, slug: str) -> str | None:
        """The organisation's password, the environment's before the file's; None if none."""
        return self.from_environment.get(environment_name(slug)) or self.from_file.get(slug)

    def check_organisations(self, slugs: set[str]) -> None:
        """Refuse a passwords file naming an organisation the portfolio does not have (a typo
        would silently send nothing); variables for other portfolios are left alone."""
        unknown = sorted(set(self.from_file) - slugs)
        if unknown:
            raise PasswordError(
                f"the passwords file names {', '.join(map(repr, unknown))}, which "
                f"{'is not an organisation' if len(unknown) == 1 else 'are not organisations'} "
                f"of the portfolio (known: {', '.join(sorted(slugs))})"
            )


def environment_name(slug: str) -> str:
    """The environment variable that holds an organisation's password."""
    return ENVIRONMENT_PREFIX + slug.upper().replace("-", "_")


def read_passwords(
    file: Path | None, *, source: Path, output: Path, environ: Mapping[str, str] = os.environ
) -> Passwords:
    """The passwords of the file (if given) and of the environment; raises PasswordError."""
    from_environment = {
        name: value
        for name, value in environ.items()
        if name.startswith(ENVIRONMENT_PREFIX) and value
    }
    return Passwords(_read_file(file, source, output) if file else {}, from_environment)


def _read_file(file: Path, source: Path, output: Path) -> dict[str, str]:
    resolved = file.resolve()
    for folder, what in ((source, "the portfolio"), (output, "the output")):
        if resolved.is_relative_to(folder.resolve()):
            raise PasswordError(
                f"passwords file {file} lies inside {what}; keep it elsewhere, "
                "where no build or copy of the portfolio can carry it along"
            )
    try:
        status = resolved.stat()
    except OSError as error:
        raise PasswordError(f"passwords file {file} cannot be read: {error.strerror}") from None
    if not stat.S_ISREG(status.st_mode) or status.st_size > MAX_FILE_BYTES:
        raise PasswordError(f"passwords file {file} is not a small regular file")
    if os.name == "posix" and status.st_mode & 0o077:
        raise PasswordError(
            f"passwords file {file} can be read by others than its owner; "
            f"make it private first: chmod 600 {file}"
        )
    try:
        text = resolved.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise PasswordError(f"passwords file {file} cannot be read as UTF-8 text") from None
    problems: list[Problem] = []
    parsed = parse_yaml(text, resolved, problems)
    if parsed is None or not isinstance(parsed[0], dict):
        line = f" (line {problems[0].line})" if problems and problems[0].line else ""
        # The parser's own message can quote the line, password and all: it is not shown.
        raise PasswordError(
            f"passwords file {file}{line}: expected one line per organisation, "
            '`folder-name: "password"`, each name once'
        )
    data, lines = parsed
    passwords: dict[str, str] = {}
    for slug, password in data.items():
        if not isinstance(slug, str) or not isinstance(password, str) or not password:
            raise PasswordError(
                f"passwords file {file} line {lines.get((slug,), '?')}: the "
                "password must be text in quotes, not empty"
            )
        passwords[slug] = password
    return passwords


@dataclass(frozen=True)
class Delivery:
    """What the delivery step wrote: manifest entries, and who got nothing for want of a
    password."""

    artifacts: dict[str, tuple[str, list[str]]]
    delivered: list[str]  # organisation folder names, as in the passwords file
    without_password: list[str]


def write_deliveries(
    staging: Path, organisations: list[tuple[str, str, str]], passwords: Passwords
) -> Delivery:
    """For each (slug, name, bundle folder) with a password: its encrypted PDF and bundle zip.
    Organisations are named by folder, the name the passwords file uses.

    Runs after every bundle and PDF is in the staging folder; files are written fresh (a
    previous build's delivery was removed as stale, being keyed to no planned artifact).
    """
    artifacts: dict[str, tuple[str, list[str]]] = {}
    delivered, without = [], []
    for slug, name, bundle_folder in organisations:
        password = passwords.of(slug)
        bundle = staging / bundle_folder
        if password is None:
            without.append(slug)
            continue
        if not bundle.is_dir():  # --only with an organisation never built: nothing to send
            continue
        folder = staging / DELIVERY_DIR / slug
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        try:
            pdf = bundle / f"{slug}.pdf"
            if pdf.is_file():
                written.append(encrypt_pdf(pdf, folder / pdf.name, password))
            written.append(zip_bundle(bundle, folder / f"{slug}.zip", slug, password))
        except Exception as error:  # named by its type only: its text could hold the password
            raise DeliveryFailed(
                f"{name}: the encrypted delivery could not be written ({type(error).__name__})"
            ) from None
        names = sorted(p.relative_to(staging).as_posix() for p in written)
        artifacts[f"{DELIVERY_DIR}/{slug}"] = (ENCRYPTED_ANEW, names)
        delivered.append(slug)
    return Delivery(artifacts, delivered, without)


def encrypt_pdf(source: Path, target: Path, password: str) -> Path:
    """An AES-256 copy of the PDF that opens with the password: tags, text and attachments
    kept; reading aloud, copying and printing allowed, changing not."""
    import pikepdf

    allow = pikepdf.Permissions(
        accessibility=True,
        extract=True,
        print_lowres=True,
        print_highres=True,
        modify_annotation=False,
        modify_assembly=False,
        modify_form=False,
        modify_other=False,
    )
    # A random owner password nobody keeps: the permissions hold for everyone with the password.
    encryption = pikepdf.Encryption(
        user=password, owner=secrets.token_urlsafe(32), R=6, aes=True, allow=allow
    )
    with pikepdf.open(source) as pdf, artifact_writer(target) as handle:
        pdf.save(handle, encryption=encryption)
    return target


def zip_bundle(bundle: Path, target: Path, slug: str, password: str) -> Path:
    """The client bundle as one AES-256 zip whose files unpack into a folder `<org>/`."""
    import pyzipper

    with (
        artifact_writer(target) as handle,
        pyzipper.AESZipFile(
            handle, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES
        ) as archive,
    ):
        archive.setpassword(password.encode())
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        for file in files_under(bundle):
            archive.write(file, f"{slug}/{file.relative_to(bundle).as_posix()}")
    return target
