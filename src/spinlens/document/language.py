"""Language identification with py3langid (its model ships in the wheel)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_modelpath(Path(MODEL_DIR) / MODEL_FILE, norm_probs=True)


def detect_language(text: str, min_confidence: float = 0.5) -> str | None:
    """ISO 639-1 code of the text's language, or None when unsure or too short."""
    sample = text[:3000]
    if sum(ch.isalpha() for ch in sample) < 20:
        return None
    lang, prob = _identifier().classify(sample)
    return str(lang) if prob >= min_confidence else None
