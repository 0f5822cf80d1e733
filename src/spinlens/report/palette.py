"""One colour per analyzer, shared by the terminal and HTML renderers."""

from __future__ import annotations

import hashlib

KNOWN = {
    "quotes": ("#1f6feb", "#0b2e66"),
    "propaganda": ("#d1242f", "#5c1015"),
    "claims": ("#9a6700", "#4d3300"),
    "provenance": ("#8250df", "#341a66"),
    "sources": ("#1a7f37", "#0c3b19"),
    "verdict": ("#57606a", "#2a2f35"),
}
_EXTRA = ("#bc4c00", "#0969da", "#cf222e", "#116329", "#6639ba", "#953800")


def analyzer_color(name: str, *, dark: bool = False) -> str:
    """A stable colour for an analyzer; unknown (plug-in) analyzers get one by hash."""
    if name in KNOWN:
        return KNOWN[name][1 if dark else 0]
    index = int(hashlib.sha1(name.encode()).hexdigest(), 16) % len(_EXTRA)
    return _EXTRA[index]
