"""spinlens: show, with evidence, how a news article manipulates its reader.

>>> import spinlens
>>> report = spinlens.analyze("The regime's puppets lied again, according to sources.")
>>> report.findings[0].analyzer
'quotes'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from spinlens.document import Document
    from spinlens.report import Report


def analyze(
    text_or_doc: str | Document, *, analyzers: list[str] | None = None, **meta: Any
) -> Report:
    """Analyse one text (or Document) with the default pipeline and return its Report."""
    from spinlens.document import Document
    from spinlens.document.loaders import document_from_text
    from spinlens.pipeline import Pipeline

    doc = (
        text_or_doc
        if isinstance(text_or_doc, Document)
        else document_from_text(text_or_doc, **meta)
    )
    return Pipeline(analyzers).run(doc)


def load(source: str) -> Document:
    """A Document from a path, URL or '-' (stdin)."""
    from spinlens.document.loaders import load_document

    return load_document(source)


__all__ = ["__version__", "analyze", "load"]
