"""Endpoints backed by optional subsystems (provenance, fact-checks, source ratings).

Each is looked up when called; a subsystem that is not installed answers 501 with a message.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from spinlens.errors import SpinlensError


class NotAvailableError(SpinlensError):
    code = "E501"
    http_status = 501


def feature(module: str, attribute: str, what: str) -> Any:
    """``module.attribute``, or NotAvailableError naming what is missing."""
    try:
        found = getattr(import_module(module), attribute)
    except (ImportError, AttributeError):
        raise NotAvailableError(
            f"{what} is not available in this build ({module}.{attribute} is missing)"
        ) from None
    return found
