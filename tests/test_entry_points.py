"""The command line runs as `python -m klantspiegel`, and a broken template in `build` is one
`file:line: message` line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

from klantspiegel.cli import main
from klantspiegel.exit_codes import ExitCode

OVERRIDE = "templates/site/finding.html"


def test_python_dash_m_klantspiegel_shows_the_help_and_exits_0():
    result = subprocess.run(
        [sys.executable, "-m", "klantspiegel", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == ExitCode.OK
    assert "usage: klantspiegel" in result.stdout


def test_build_reports_a_template_syntax_error_as_file_line(small_portfolio, tmp_path, capsys):
    small_portfolio.write(
        OVERRIDE, '{% extends "site/base.html" %}\n{% block main %}\n{% if %}\n{% endblock %}\n'
    )
    code = main(
        [
            "build",
            "--no-pdf",
            "--source",
            str(small_portfolio.root),
            "--output",
            str(tmp_path / "output"),
        ]
    )
    err = capsys.readouterr().err
    assert code == ExitCode.CONTENT
    assert f"audits{os.sep}{OVERRIDE}:3: template: syntax error:" in err
    assert "Traceback" not in err
