"""The Typer app and the one place errors become exit codes.

Feature modules (``spinlens.cli.<feature>``) add commands to ``app`` or sub-apps to it; this
module knows none of them.
"""

from __future__ import annotations

import inspect
import os
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import typer
from typer.core import TyperGroup

from spinlens import __version__
from spinlens.config import Settings, load_settings
from spinlens.errors import SpinlensError

EPILOG = (
    "Exit codes: 0 ok · 1 internal error · 2 usage · 3 bad input (empty, binary, undecodable, "
    "too large, malformed record) · 4 URL fetch failed · 5 configuration (unknown analyzer, bad "
    "config) · 6 output not writable · 7 missing extra/model/data · 8 batch done with bad records "
    "· 130 interrupted (batch: rerun to resume)."
)

GLOBAL_FLAGS = ("--debug",)


def hoist_global_flags(args: list[str]) -> list[str]:
    """Move ``--debug`` written after the subcommand (``spinlens analyze x --debug``) in front
    of it, where the app's callback reads it; ``--`` ends the options, as usual."""
    end = args.index("--") if "--" in args else len(args)
    flags = [a for a in args[:end] if a in GLOBAL_FLAGS]
    rest = [a for a in args[:end] if a not in GLOBAL_FLAGS]
    return [*dict.fromkeys(flags), *rest, *args[end:]]


class _RootGroup(TyperGroup):
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        return super().parse_args(ctx, hoist_global_flags(args))


app = typer.Typer(
    name="spinlens",
    cls=_RootGroup,
    help="Show, with evidence, how a news article manipulates its reader.",
    epilog=EPILOG,
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


# Shared sub-apps: each feature module adds its own ``spinlens eval X`` / ``spinlens train X``.
eval_app = typer.Typer(
    help="Evaluate a model or analyzer on public data and print its figures.",
    no_args_is_help=True,
)
train_app = typer.Typer(
    help="Train a shipped model from public data (needs the 'train' extra).",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")


class State:
    debug: bool = False
    config_path: Path | None = None
    overrides: list[str] = []  # noqa: RUF012 - process-wide CLI state

    @classmethod
    def settings(cls) -> Settings:
        return load_settings(cls.config_path, cls.overrides)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"spinlens {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: bool = typer.Option(
        False, "--debug", help="Show tracebacks instead of one-line errors (anywhere on the line)."
    ),
    config: Path | None = typer.Option(
        None, "--config", help="TOML config file (default: ./spinlens.toml if present)."
    ),
    set_: list[str] = typer.Option(
        [], "--set", help="Override one config value, e.g. --set analyzers.claims.threshold=0.6"
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    State.debug = debug
    State.config_path = config
    State.overrides = list(set_)


def fail(message: str, exit_code: int) -> None:
    """Print a one-line error on stderr and exit with ``exit_code``."""
    line = " ".join(message.split())
    sys.stderr.write(f"spinlens: error: {line}\n")
    raise typer.Exit(exit_code)


P = ParamSpec("P")
R = TypeVar("R")


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn SpinlensError (and stray exceptions) into one line on stderr and an exit code."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = func(*args, **kwargs)
            sys.stdout.flush()  # a closed pipe shows here, not in Python's exit-time flush
            return result
        except (typer.Exit, typer.Abort, typer.BadParameter, KeyboardInterrupt):
            raise
        except BrokenPipeError:
            # the reader went away (`spinlens ... | head`): stop quietly, as cat does
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise typer.Exit(0) from None
        except SpinlensError as exc:
            if State.debug:
                raise
            fail(f"{exc} [{exc.code}]", exc.exit_code)
        except Exception as exc:
            if State.debug:
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug)", 1)
        raise AssertionError("unreachable")

    return wrapper


def command(
    *args: Any, parent: typer.Typer | None = None, **kwargs: Any
) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """``app.command`` (or ``parent.command`` for a sub-app) with error handling applied."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        if "help" not in kwargs and func.__doc__:
            kwargs["help"] = reflow(func.__doc__)
        (parent or app).command(*args, **kwargs)(handle_errors(func))
        return func

    return decorate


def reflow(doc: str) -> str:
    """Docstring paragraphs as single lines, so the terminal wraps them and no sentence breaks
    where the source line did (rich mode keeps every newline). Lists and indented blocks keep
    their lines."""
    paragraphs = inspect.cleandoc(doc).split("\n\n")
    return "\n\n".join(
        p
        if any(line.startswith(("-", "*", " ", "\b")) for line in p.splitlines())
        else " ".join(line.strip() for line in p.splitlines())
        for p in paragraphs
    )
