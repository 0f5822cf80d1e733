"""Documents, spans and the loaders that make them."""

from spinlens.document.document import Document
from spinlens.document.span import Span

__all__ = ["Document", "Span"]
