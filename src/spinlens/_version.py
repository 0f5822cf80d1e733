"""The package version, in a module of its own so any module can read it without importing
the package's public API (which imports the pipeline: that would be a cycle)."""

__version__ = "0.1.0"
