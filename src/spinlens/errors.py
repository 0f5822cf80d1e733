"""A small tree of errors with stable codes; the CLI maps them to exit codes, the API to HTTP.

Exit codes (also in ``spinlens --help`` and the README):

====  ==============================================================
0     success
1     internal error (a bug: rerun with ``--debug`` and report it)
2     usage error (unknown option, missing argument)
3     bad input: empty, binary, undecodable, too large, malformed record
4     fetch error: URL unreachable, timed out, too large, offline
5     configuration error: unknown analyzer, bad config file or value, damaged store
6     output error: the output path cannot be written
7     missing extra, model or data (the message says what to install)
8     batch finished but some records were bad (reported and skipped)
====  ==============================================================
"""

from __future__ import annotations


class SpinlensError(Exception):
    """Base of every error spinlens raises on purpose."""

    code = "E000"
    exit_code = 1
    http_status = 500


class InputError(SpinlensError, ValueError):
    code = "E100"
    exit_code = 3
    http_status = 422


class EmptyInputError(InputError):
    code = "E101"


class BinaryInputError(InputError):
    code = "E102"


class DecodeError(InputError):
    code = "E103"


class InputTooLargeError(InputError):
    code = "E104"
    http_status = 413


class MalformedRecordError(InputError):
    code = "E105"


class ListingInputError(InputError):
    """A feed or sitemap given to a command that reads articles: it lists pages to fetch,
    which only the crawler (``index add``, ``watch``) does politely."""

    code = "E108"


class SkippedRecord(InputError):
    """A record of a multi-record input (web archive, feed, sitemap) that is not an article:
    not HTML, too short, no main text. Readers yield it so callers count skips by ``reason``
    instead of reporting them as bad input."""

    code = "E107"

    def __init__(self, origin: str, reason: str) -> None:
        super().__init__(f"{origin}: {reason}")
        self.origin = origin
        self.reason = reason


class FetchError(SpinlensError):
    code = "E200"
    exit_code = 4
    http_status = 502


class ConfigError(SpinlensError):
    code = "E300"
    exit_code = 5
    http_status = 400


class UnknownAnalyzerError(ConfigError):
    code = "E301"


class AnalyzerOptionError(ConfigError):
    """An analyzer option that its ``Options`` model does not declare, or a bad value."""

    code = "E302"


class DuplicateAnalyzerError(ConfigError):
    """Two analyzers (built-in or plug-in) registered under one name."""

    code = "E303"


class DamagedStoreError(ConfigError):
    """A store (provenance index, fact-check database, source lists) whose file is damaged
    or not a database: the message names the file and the command that rebuilds it. Code
    E504 on the command line and from the server; a store problem, not the request's, so a
    5xx (500: it stays until the operator rebuilds the store)."""

    code = "E504"
    http_status = 500
    detail = ""  # what SQLite said, for one-line notes that name the store themselves


class OutputError(SpinlensError, OSError):
    code = "E400"
    exit_code = 6


class MissingDependencyError(SpinlensError, ImportError):
    code = "E500"
    exit_code = 7


PARTIAL_FAILURE_EXIT = 8


def require(module: str, extra: str) -> None:
    """Fail with an install hint when an optional extra is missing."""
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingDependencyError(
            f"this needs the '{extra}' extra: pip install 'spinlens[{extra}]'"
        )
