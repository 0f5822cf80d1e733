"""The analyzer contract and the registry.

An analyzer is a class with:

- ``name``, ``version``, ``description``;
- ``Options``: a pydantic model (subclass :class:`AnalyzerOptions`, which forbids unknown keys)
  declaring every option with its default; the registry validates ``[analyzers.<name>]``
  against it, so an unknown or bad option is a :class:`~spinlens.errors.AnalyzerOptionError`
  (exit 5) for every analyzer, and ``report.config`` records the resolved options;
- ``labels``: every span label it may produce; ``assigns``: the keys of ``Result.data`` it
  writes; ``requires``: the analyzers whose results it reads (run first when selected; absent
  otherwise, never run behind the user's back); ``languages`` (None: any language);
- a constructor ``(settings=None, **options)`` that only stores: the resolved
  :class:`~spinlens.config.Settings` are part of the contract (paths of the stores), so every
  analyzer is built the same way and none needs a flag to ask for them;
- ``initialize()`` that loads models once, and ``analyze(doc, context) -> Result``.

Analyzers register by name with :func:`register`; third parties use the ``spinlens.analyzers``
entry-point group. A name registered twice is an error. The pipeline knows no analyzer by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from importlib.metadata import entry_points
from typing import Any, ClassVar, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, ValidationError

from spinlens.config import Settings
from spinlens.document import Document, Span
from spinlens.errors import (
    AnalyzerOptionError,
    ConfigError,
    DuplicateAnalyzerError,
    UnknownAnalyzerError,
)
from spinlens.report.schema import Verdict
from spinlens.stores import StoreStatus

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


class AnalyzerOptions(BaseModel):
    """Base of every analyzer's options: unknown keys are errors, values are checked once."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass(frozen=True, slots=True)
class Result:
    """What one analyzer found: spans on the document, plus structured data for the report."""

    spans: tuple[Span, ...] = ()
    data: Mapping[str, Any] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()
    model: str | None = None
    verdict: Verdict | None = None  # set by an analyzer that judges the whole article
    # Checks not made because a store is missing, empty or unreadable (spinlens.stores).
    not_checked: tuple[StoreStatus, ...] = ()


@runtime_checkable
class Analyzer(Protocol):
    name: ClassVar[str]
    version: ClassVar[str]
    description: ClassVar[str]
    requires: ClassVar[tuple[str, ...]]
    assigns: ClassVar[tuple[str, ...]]
    labels: ClassVar[frozenset[str]]
    languages: ClassVar[frozenset[str] | None]
    default_enabled: ClassVar[bool]
    Options: ClassVar[type[AnalyzerOptions]]
    options: AnalyzerOptions

    def initialize(self) -> None: ...

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result: ...


class BaseAnalyzer:
    """Defaults for the contract; subclasses set the class attributes and ``analyze``."""

    name: ClassVar[str] = ""
    version: ClassVar[str] = "1"
    description: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()
    labels: ClassVar[frozenset[str]] = frozenset()
    languages: ClassVar[frozenset[str] | None] = None
    default_enabled: ClassVar[bool] = True
    Options: ClassVar[type[AnalyzerOptions]] = AnalyzerOptions

    def __init__(self, settings: Settings | None = None, **options: Any) -> None:
        self.settings = settings or Settings()
        self.options = parse_options(type(self), options)

    def initialize(self) -> None:
        """Load models or stores; called once before the first ``analyze``."""

    def close(self) -> None:
        """Release open stores (``Pipeline.close``); optional in the protocol."""

    def analyze(self, doc: Document, context: Mapping[str, Result]) -> Result:
        raise NotImplementedError


def parse_options(factory: Any, options: Mapping[str, Any]) -> AnalyzerOptions:
    """``options`` checked against ``factory.Options``; any problem is one coded line."""
    name = getattr(factory, "name", "") or getattr(factory, "__name__", "?")
    model = getattr(factory, "Options", None)
    if not (isinstance(model, type) and issubclass(model, AnalyzerOptions)):
        raise AnalyzerOptionError(f"analyzer '{name}' declares no Options (an AnalyzerOptions)")
    try:
        return model.model_validate(dict(options))
    except ValidationError as exc:
        raise AnalyzerOptionError(_option_problem(name, model, exc)) from None


def _option_problem(name: str, model: type[BaseModel], exc: ValidationError) -> str:
    errors = exc.errors()
    unknown = [str(e["loc"][0]) for e in errors if e["type"] == "extra_forbidden"]
    if unknown:
        known = ", ".join(model.model_fields) or "none"
        return f"analyzers.{name}: unknown option(s) {', '.join(unknown)} (known: {known})"
    first = errors[0]
    where = ".".join(str(p) for p in first["loc"])
    message = str(first["msg"]).removeprefix("Value error, ")
    return f"analyzers.{name}.{where}: {message}, not {first.get('input')!r}"


AnalyzerFactory = Callable[..., Analyzer]
A = TypeVar("A", bound=type)

_REGISTRY: dict[str, AnalyzerFactory] = {}
_loaded = False


def register(cls: A) -> A:
    """Class decorator: make an analyzer available under its ``name``.

    Registering the same class again is harmless; a different class under a taken name is a
    :class:`~spinlens.errors.DuplicateAnalyzerError` (a plug-in must pick a new name, or a
    versioned one such as ``quotes.v2``).
    """
    name = getattr(cls, "name", "")
    if not name:
        raise ValueError(f"{cls!r} has no name")
    model = getattr(cls, "Options", None)
    if not (isinstance(model, type) and issubclass(model, AnalyzerOptions)):
        raise AnalyzerOptionError(f"analyzer '{name}' declares no Options (an AnalyzerOptions)")
    if model.model_config.get("extra") != "forbid":
        raise AnalyzerOptionError(f"analyzer '{name}': its Options must forbid unknown keys")
    existing = _REGISTRY.get(name)
    if existing is not None and existing is not cls and _origin(existing) != _origin(cls):
        raise DuplicateAnalyzerError(
            f"analyzer name '{name}' is registered twice: by {_origin(existing)} and {_origin(cls)}"
        )
    _REGISTRY[name] = cls
    return cls


def _origin(factory: Any) -> str:
    return f"{getattr(factory, '__module__', '?')}.{getattr(factory, '__qualname__', '?')}"


def _load_all() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True  # set first: a plug-in that asks for the registry while loading sees it
    try:
        _load_builtins_and_plugins()
    except BaseException:
        _loaded = False  # a clash or broken plug-in fails every call, not just the first
        raise


def _load_builtins_and_plugins() -> None:
    for module in BUILTIN_MODULES:
        try:
            import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        factory = ep.load()
        if getattr(factory, "name", None) != ep.name:
            raise ConfigError(
                f"entry point '{ep.name}' ({ep.value}) names an analyzer called "
                f"'{getattr(factory, 'name', None)}'; the two names must agree"
            )
        register(factory)


def registry() -> dict[str, AnalyzerFactory]:
    """All known analyzers by name, built-in first, then entry points."""
    _load_all()
    return dict(_REGISTRY)


def create(
    name: str, options: Mapping[str, Any] | None = None, settings: Settings | None = None
) -> Analyzer:
    """The analyzer ``name`` built with ``options`` (checked against its ``Options``)."""
    factories = registry()
    if name not in factories:
        known = ", ".join(sorted(factories)) or "none"
        raise UnknownAnalyzerError(f"unknown analyzer '{name}' (known: {known})")
    factory = factories[name]
    parse_options(factory, options or {})  # the same line for every analyzer, whatever its base
    return factory(settings=settings or Settings(), **dict(options or {}))
