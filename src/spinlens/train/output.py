"""Where training writes: a folder the user names, else one under the user data directory.

Never into the installed package: site-packages may be read-only, is replaced by the next
``pip install``, and a half-written model there would break every analysis. A trained model
is used by pointing its analyzer at the folder (e.g. ``--set
analyzers.propaganda.model_dir=FOLDER``), or by copying it over the shipped one on purpose.
"""

from __future__ import annotations

from pathlib import Path

from spinlens.config import data_dir
from spinlens.errors import OutputError


def trained_models_dir() -> Path:
    """``<user data dir>/models`` (``SPINLENS_HOME`` moves the user data directory)."""
    return data_dir() / "models"


def model_output(name: str, out: Path | None = None) -> Path:
    """The folder a training run writes model ``name`` to, created and checked writable."""
    target = out if out is not None else trained_models_dir() / name
    try:
        target.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{target}: cannot write the model there ({exc.strerror})") from None
    return target
