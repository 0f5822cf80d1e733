"""The local web page and HTTP API (``spinlens serve``); needs the 'server' extra."""

from spinlens.serve.app import create_app
from spinlens.serve.config import ServeConfig

__all__ = ["ServeConfig", "create_app"]
