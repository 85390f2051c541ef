"""Turn a report document (HTML, text, PDF, DOCX) into a `Report` of canonical facts and figures."""

from .api import parse_document, parse_path

__all__ = ["parse_document", "parse_path"]
