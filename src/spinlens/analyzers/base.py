"""The analyzer contract and the registry.

An analyzer is a class with ``name``, ``version``, ``requires`` (analyzers whose results it reads,
run first when present), ``languages`` (None: any language), a constructor that only stores
options, ``initialize()`` that loads models once, and ``analyze(doc, context) -> Result``.
Analyzers register by name with :func:`register`; third parties use the
``spinlens.analyzers`` entry-point group. The pipeline knows no analyzer by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from spinlens.document import Document, Span
from spinlens.errors import ConfigError, UnknownAnalyzerError

ENTRY_POINT_GROUP = "spinlens.analyzers"

# Built-in analyzers live in these modules; importing one registers it.
BUILTIN_MODULES = (
    "spinlens.analyzers.quotes",
    "spinlens.analyzers.propaganda",
    "spinlens.analyzers.claims",
    "spinlens.analyzers.provenance",
    "spinlens.analyzers.sources",
    "spinlens.analyzers.verdict",
)


@dataclass(frozen=True, slots=True)
class Result:
    """What one analyzer found: spans on the document, plus structured data for the report."""

    spans: tuple[Span, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    model: str | None = None


@runtime_checkable
class Analyzer(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    languages: ClassVar[frozenset[str] | None]
    default_enabled: ClassVar[bool]

    def initialize(self) -> None: ...

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result: ...


class BaseAnalyzer:
    """Defaults for the contract; subclasses set the class attributes and ``analyze``."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    description: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    languages: ClassVar[frozenset[str] | None] = None
    default_enabled: ClassVar[bool] = True

    def __init__(self, **options: Any) -> None:
        self.options = options

    def initialize(self) -> None:
        """Load models or stores; called once before the first ``analyze``."""

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        raise NotImplementedError


AnalyzerFactory = Callable[..., Analyzer]
A = TypeVar("A", bound=type)

_REGISTRY: dict[str, AnalyzerFactory] = {}
_loaded = False


def register(cls: A) -> A:
    """Class decorator: make an analyzer available under its ``name``."""
    name = getattr(cls, "name", "")
    if not name:
        raise ValueError(f"{cls!r} has no name")
    _REGISTRY[name] = cls
    return cls


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    for module in BUILTIN_MODULES:
        try:
            import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if ep.name not in _REGISTRY:
            _REGISTRY[ep.name] = ep.load()


def registry() -> dict[str, AnalyzerFactory]:
    """All known analyzers by name, built-in first, then entry points."""
    _load_all()
    return dict(_REGISTRY)


def create(name: str, options: Mapping[str, Any] | None = None) -> Analyzer:
    factories = registry()
    if name not in factories:
        known = ", ".join(sorted(factories)) or "none"
        raise UnknownAnalyzerError(f"unknown analyzer '{name}' (known: {known})")
    try:
        return factories[name](**dict(options or {}))
    except TypeError as exc:
        raise ConfigError(f"bad options for analyzer '{name}': {exc}") from None
