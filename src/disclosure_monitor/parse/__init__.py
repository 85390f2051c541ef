"""Turn a report document (HTML, text, PDF, DOCX) into a `Report` of canonical facts and figures."""

from .api import page_published_on, parse_document, parse_path

__all__ = ["page_published_on", "parse_document", "parse_path"]
