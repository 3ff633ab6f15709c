"""Report text -> ACLED-coded incidents (before geocoding)."""
from .engine import ParseResult, parse_report  # noqa: F401
from .segment import ReportError  # noqa: F401
