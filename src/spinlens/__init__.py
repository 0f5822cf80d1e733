"""spinlens: show, with evidence, how a news article manipulates its reader.

Load a pipeline once (it reads ``spinlens.toml`` as the CLI does), then run it over texts:

>>> import spinlens
>>> pipe = spinlens.load_pipeline(only=["quotes"])
>>> report = pipe("The regime's puppets lied again, according to sources.")
>>> [(f.analyzer, f.label, f.text) for f in report.findings]
[('quotes', 'attribution', 'according to sources')]
>>> [r.document.text for r in pipe.pipe(["One text.", "Another one."])]
['One text.', 'Another one.']

``spinlens.analyze(text)`` runs the default pipeline (built once, then reused). Exports:
``Pipeline``, ``Document``, ``Span``, ``Report``; ``load_pipeline``, ``analyze``,
``load_document`` (and ``load``, its older name). See docs/api.md.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from spinlens._version import __version__

if TYPE_CHECKING:
    from spinlens.document import Document, Span
    from spinlens.pipeline import Pipeline, load_pipeline
    from spinlens.report import Report

# Public names resolved on first use (PEP 562): ``import spinlens`` stays cheap, and the
# package's own modules can import ``spinlens.__version__`` without an import cycle.
_LAZY = {
    "Document": "spinlens.document",
    "Span": "spinlens.document",
    "Report": "spinlens.report",
    "Pipeline": "spinlens.pipeline",
    "load_pipeline": "spinlens.pipeline",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from importlib import import_module

        value = getattr(import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'spinlens' has no attribute '{name}'")


def analyze(
    text_or_doc: str | Document, *, analyzers: list[str] | None = None, **meta: Any
) -> Report:
    """The Report of one text (or Document) from the default pipeline, built on the first
    call and reused; ``analyzers`` selects some of its analyzers (one not enabled by default
    is loaded for this call only). ``meta`` (title, url, ...) describes a text."""
    pipe = _default_pipeline()
    if analyzers is not None:
        if set(analyzers) <= set(pipe.names):
            pipe = pipe.select(analyzers)
        else:
            from spinlens.pipeline import load_pipeline

            pipe = load_pipeline(only=analyzers)
    return pipe(text_or_doc, **meta)


@lru_cache(maxsize=1)
def _default_pipeline() -> Pipeline:
    from spinlens.pipeline import load_pipeline

    return load_pipeline()


def load_document(source: str) -> Document:
    """A Document from a path, URL or '-' (stdin); raises a coded InputError/FetchError."""
    from spinlens.document.loaders import load_document as _load

    return _load(source)


def load(source: str) -> Document:
    """The older name of :func:`load_document` (a Document, not a pipeline: for a pipeline
    use :func:`load_pipeline`). Kept so existing code keeps working."""
    return load_document(source)


__all__ = [
    "Document",
    "Pipeline",
    "Report",
    "Span",
    "__version__",
    "analyze",
    "load",
    "load_document",
    "load_pipeline",
]
