"""Run the CLI in-process, as a user would from a shell."""

from __future__ import annotations

from dataclasses import dataclass

from typer.testing import CliRunner

from spinlens.cli import _register, app

_register()


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str


def run_cli(*args: str, input: str | bytes | None = None) -> Run:
    result = CliRunner().invoke(app, list(args), input=input)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Run(result.exit_code, result.stdout, result.stderr)
