"""Cells for CSV files that staff open in Excel or LibreOffice (triage reports, insight downloads)."""


def safe_cell(value: object) -> str:
    """Text safe to open in a spreadsheet: a leading =, +, - or @ would be run as a formula."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
