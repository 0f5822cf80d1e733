"""Which technique spans a reader is shown: those of techniques that are right often enough.

The model card stores each technique's span precision on unseen articles
(``technique_precision``, keyed ``technique/source``; :mod:`spinlens.eval.propaganda_precision`).
Model spans of a technique measured below ``precision_floor`` (0.4), or measured on fewer
than ``precision_min_predictions`` (10) spans, are hidden: the analyzer keeps them in
``data.hidden`` with ``hidden: true`` instead of its findings, unless ``show_all_techniques``
is set. Lexicon spans are always shown: its few hand-written epithet patterns are named as
the source of every span they make. A card without a precision table (another model folder)
hides nothing.
"""

from __future__ import annotations

from typing import Any

from spinlens.analyzers.propaganda.detect import Detection

DEFAULT_FLOOR = 0.4
DEFAULT_MIN_PREDICTIONS = 10  # 2 right of 3 says little about a technique


def precision(card: dict[str, Any], d: Detection) -> float | None:
    """The measured precision of ``d``'s technique from its source, if the card has one."""
    entry = card.get("technique_precision", {}).get(f"{d.technique}/{d.source}")
    return float(entry["precision"]) if entry else None


def _measured_on(card: dict[str, Any], d: Detection) -> int:
    entry = card.get("technique_precision", {}).get(f"{d.technique}/{d.source}")
    return int(entry.get("predicted", 0)) if entry else 0


def hidden(card: dict[str, Any], d: Detection) -> bool:
    """Whether ``d`` is kept out of the findings by default (see the module docstring)."""
    if d.source != "model" or "technique_precision" not in card:
        return False
    measured = precision(card, d)
    floor = float(card.get("precision_floor", DEFAULT_FLOOR))
    enough = _measured_on(card, d) >= int(card.get("precision_min_predictions", 0))
    return measured is None or measured < floor or not enough
