"""Command-line interface. ``main`` is the console-script entry point.

Each feature's commands live in their own module here; importing a module registers them.
"""

from __future__ import annotations

from importlib import import_module

from spinlens.cli.app import app

COMMAND_MODULES = (
    "analyze",
    "propaganda",
    "provenance",
    "claims",
    "sources",
    "serve",
    "batch",
    "index",
    "verdict",
    "watch",
    "status",
)


def _register() -> None:
    for name in COMMAND_MODULES:
        module = f"spinlens.cli.{name}"
        try:
            import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def main() -> None:
    _register()
    app()


__all__ = ["app", "main"]
