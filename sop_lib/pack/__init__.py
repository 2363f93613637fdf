"""The published pack: HTML pages, charts, tables, the Excel workbook, the plan of record."""
