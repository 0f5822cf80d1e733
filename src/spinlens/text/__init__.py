"""Text utilities several layers need (quote finding); below analyzers, stores and the CLI.

Nothing here imports from ``spinlens.analyzers``, ``spinlens.provenance`` or ``spinlens.cli``.
"""
