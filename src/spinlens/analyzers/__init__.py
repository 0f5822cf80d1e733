"""Analyzers: each finds spans of one kind; see ``base`` for the contract."""

from spinlens.analyzers.base import Analyzer, BaseAnalyzer, Result, create, register, registry

__all__ = ["Analyzer", "BaseAnalyzer", "Result", "create", "register", "registry"]
