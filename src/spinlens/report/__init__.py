"""The Report model and its renderers."""

from spinlens.report.schema import SCHEMA_VERSION, Finding, Report, Verdict, json_schema

__all__ = ["SCHEMA_VERSION", "Finding", "Report", "Verdict", "json_schema"]
