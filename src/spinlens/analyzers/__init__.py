"""Analyzers: each finds spans of one kind; see ``base`` for the contract, ``results`` for the
typed results they hand each other, ``conformance`` for the check every analyzer passes."""

from spinlens.analyzers.base import (
    Analyzer,
    AnalyzerOptions,
    BaseAnalyzer,
    Result,
    create,
    register,
    registry,
)

__all__ = [
    "Analyzer",
    "AnalyzerOptions",
    "BaseAnalyzer",
    "Result",
    "create",
    "register",
    "registry",
]
