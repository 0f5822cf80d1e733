"""Fact-check database: SQLite store, importers, hybrid retrieval and matching."""
