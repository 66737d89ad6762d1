"""Encrypted delivery: with a password per organisation, `build` also writes an AES-256 copy of
its PDF (still tagged) and its client bundle as an AES-256 zip; the password goes nowhere else."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest
import pyzipper
from conftest import PortfolioWriter

from klantspiegel.build_options import BuildOptions
from klantspiegel.cache import CACHE_DIR
from klantspiegel.pdf_structure import structure_elements
from klantspiegel.pipeline import build

FILE_PASSWORD = "Zeer-Geheim 0700 #42"
ENVIRONMENT_PASSWORD = "koerier-wachtwoord-uit-env"


def portfolio(root: Path) -> PortfolioWriter:
    """Three organisations: a password in the file, one in the environment, and none."""
    w = PortfolioWriter(root)
    for slug in ("postbedrijf", "koerier-snel", "bank"):
        w.organisation(slug, name=slug.replace("-", " ").title())
        w.audit(slug)
        w.finding(slug, "centrale-lijn")
    return w


def passwords_file(folder: Path, text: str = f'postbedrijf: "{FILE_PASSWORD}"\n') -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "passwords.yaml"
    path.write_text(text, encoding="utf-8")
    path.chmod(0o600)
    return path


def run_build(source: Path, output: Path, *options: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "KLANTSPIEGEL_PASSWORD_KOERIER_SNEL": ENVIRONMENT_PASSWORD}
    return subprocess.run(
        [
            sys.executable,
            "build.py",
            "build",
            "--source",
            str(source),
            "--output",
            str(output),
            "--jobs",
            "1",
            *options,
        ],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        cwd=Path(__file__).parent.parent,
    )


@pytest.fixture(scope="module")
def delivered(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, subprocess.CompletedProcess[str]]:
    root = tmp_path_factory.mktemp("delivery")
    source = portfolio(root / "audits").root
    secrets = passwords_file(root / "secrets")
    done = run_build(source, root / "output", "--passwords", str(secrets))
    assert done.returncode == 0, done.stderr
    return root / "output", done


def test_encrypted_pdf_does_not_open_without_the_password(delivered) -> None:
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(delivered[0] / "delivery" / "postbedrijf" / "postbedrijf.pdf")


def test_encrypted_pdf_opens_with_the_password_as_aes_256(delivered) -> None:
    path = delivered[0] / "delivery" / "postbedrijf" / "postbedrijf.pdf"
    with pikepdf.open(path, password=FILE_PASSWORD) as pdf:
        encryption = pdf.encryption
        found = (pdf.is_encrypted, encryption.R, encryption.bits, encryption.stream_method.name)
    assert found == (True, 6, 256, "aesv3")


def test_encrypted_pdf_keeps_every_tag_of_the_plain_pdf(delivered) -> None:
    output = delivered[0]
    with (
        pikepdf.open(output / "pdf" / "postbedrijf.pdf") as plain,
        pikepdf.open(
            output / "delivery" / "postbedrijf" / "postbedrijf.pdf", password=FILE_PASSWORD
        ) as encrypted,
    ):
        assert "/StructTreeRoot" in encrypted.Root
        assert encrypted.Root.MarkInfo.Marked is True
        assert (
            sum(1 for _ in structure_elements(encrypted))
            == sum(1 for _ in structure_elements(plain))
            > 0
        )


def test_encrypted_pdf_allows_reading_aloud_and_printing_but_not_changing(delivered) -> None:
    path = delivered[0] / "delivery" / "postbedrijf" / "postbedrijf.pdf"
    with pikepdf.open(path, password=FILE_PASSWORD) as pdf:
        allow = pdf.allow
    assert (
        allow.accessibility,
        allow.print_highres,
        allow.modify_other,
        allow.modify_annotation,
    ) == (True, True, False, False)


def test_zip_holds_exactly_the_client_bundle_in_one_folder(delivered) -> None:
    output = delivered[0]
    bundle = output / "clients" / "postbedrijf"
    expected = {
        f"postbedrijf/{p.relative_to(bundle).as_posix()}" for p in bundle.rglob("*") if p.is_file()
    }
    with pyzipper.AESZipFile(output / "delivery" / "postbedrijf" / "postbedrijf.zip") as archive:
        assert set(archive.namelist()) == expected


def test_zip_needs_the_password_and_gives_the_bundles_bytes(delivered) -> None:
    output = delivered[0]
    with pyzipper.AESZipFile(output / "delivery" / "postbedrijf" / "postbedrijf.zip") as archive:
        with pytest.raises(RuntimeError, match="requires a password"):
            archive.read("postbedrijf/index.html")
        archive.setpassword(FILE_PASSWORD.encode())
        content = archive.read("postbedrijf/index.html")
        info = archive.getinfo("postbedrijf/index.html")
    assert content == (output / "clients" / "postbedrijf" / "index.html").read_bytes()
    assert (info.wz_aes_vendor_id, info.wz_aes_strength) == (b"AE", 3)  # 3: AES-256


def test_password_from_the_environment_encrypts_that_organisations_delivery(delivered) -> None:
    path = delivered[0] / "delivery" / "koerier-snel" / "koerier-snel.pdf"
    with pikepdf.open(path, password=ENVIRONMENT_PASSWORD) as pdf:
        assert pdf.is_encrypted


def test_organisation_without_a_password_gets_no_delivery_and_one_line(delivered) -> None:
    output, done = delivered
    assert sorted(p.name for p in (output / "delivery").iterdir()) == [
        "koerier-snel",
        "postbedrijf",
    ]
    assert [line for line in done.stdout.splitlines() if "no password" in line] == [
        "no password, so no encrypted delivery for: bank"
    ]


def test_password_is_in_no_output_or_cache_file(delivered) -> None:
    output = delivered[0]
    traces = [
        trace
        for password in (FILE_PASSWORD, ENVIRONMENT_PASSWORD)
        for trace in (
            password.encode(),
            password.encode("utf-16-le"),
            hashlib.sha256(password.encode()).hexdigest().encode(),
        )
    ]
    files = [
        p
        for folder in (output, output.parent / CACHE_DIR)
        for p in folder.rglob("*")
        if p.is_file()
    ]
    assert files
    assert [(p, t) for p in files for t in traces if t in p.read_bytes()] == []


def test_password_is_not_in_the_builds_messages(delivered) -> None:
    done = delivered[1]
    assert all(
        password not in done.stdout + done.stderr
        for password in (FILE_PASSWORD, ENVIRONMENT_PASSWORD)
    )


def test_plain_outputs_are_those_of_a_build_without_passwords(delivered) -> None:
    output = delivered[0]
    plain = output.parent / "plain"
    build(output.parent / "audits", plain, BuildOptions(jobs=1))
    for folder in ("pdf", "clients"):
        theirs = {
            p.relative_to(plain): p.read_bytes() for p in (plain / folder).rglob("*") if p.is_file()
        }
        ours = {
            p.relative_to(output): p.read_bytes()
            for p in (output / folder).rglob("*")
            if p.is_file()
        }
        assert ours == theirs


def test_a_build_without_passwords_removes_the_previous_delivery(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "audits").root
    output = tmp_path / "output"
    secrets = passwords_file(tmp_path / "secrets")
    assert run_build(source, output, "--no-pdf", "--passwords", str(secrets)).returncode == 0
    assert (output / "delivery" / "postbedrijf" / "postbedrijf.zip").is_file()
    environment = {k: v for k, v in os.environ.items() if not k.startswith("KLANTSPIEGEL_")}
    subprocess.run(
        [
            sys.executable,
            "build.py",
            "build",
            "--source",
            str(source),
            "--output",
            str(output),
            "--no-pdf",
            "--jobs",
            "1",
        ],
        check=True,
        env=environment,
        capture_output=True,
        cwd=Path(__file__).parent.parent,
    )
    assert not (output / "delivery").exists()


def test_passwords_file_inside_the_portfolio_is_refused(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "audits").root
    secrets = passwords_file(source / "private")
    done = run_build(source, tmp_path / "output", "--passwords", str(secrets))
    assert (done.returncode, "lies inside the portfolio" in done.stderr) == (2, True), done.stderr
    assert not (tmp_path / "output").exists()


def test_passwords_file_inside_the_output_is_refused(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "audits").root
    output = tmp_path / "output"
    assert run_build(source, output, "--no-pdf").returncode == 0
    secrets = passwords_file(output / "private")
    done = run_build(source, output, "--no-pdf", "--passwords", str(secrets))
    assert (done.returncode, "lies inside the output" in done.stderr) == (2, True), done.stderr


def test_passwords_file_others_can_read_is_refused(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "audits").root
    secrets = passwords_file(tmp_path / "secrets")
    secrets.chmod(0o644)
    done = run_build(source, tmp_path / "output", "--passwords", str(secrets))
    assert (done.returncode, "chmod 600" in done.stderr) == (2, True), done.stderr


def test_passwords_file_naming_an_unknown_organisation_is_refused(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "audits").root
    secrets = passwords_file(tmp_path / "secrets", 'postbedrijff: "x-secret-1"\n')
    done = run_build(source, tmp_path / "output", "--no-pdf", "--passwords", str(secrets))
    assert (done.returncode, "'postbedrijff'" in done.stderr) == (2, True), done.stderr


def test_broken_passwords_file_is_refused_without_quoting_it(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "audits").root
    secrets = passwords_file(tmp_path / "secrets", 'postbedrijf: "unterminated-secret\n')
    done = run_build(source, tmp_path / "output", "--passwords", str(secrets))
    assert (done.returncode, "unterminated-secret" in done.stdout + done.stderr) == (2, False)


def test_a_number_as_password_is_refused_without_quoting_it(tmp_path: Path) -> None:
    source = portfolio(tmp_path / "audits").root
    secrets = passwords_file(tmp_path / "secrets", 'bank: "fine"\npostbedrijf: 987654\n')
    done = run_build(source, tmp_path / "output", "--passwords", str(secrets))
    assert (done.returncode, "line 2" in done.stderr, "987654" in done.stderr) == (2, True, False)
