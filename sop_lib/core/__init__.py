"""Errors, months, frames, statuses and the display rules every page and the workbook share."""
