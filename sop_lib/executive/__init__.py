"""Step 4, executive S&OP: KPIs, family statuses and the summary in words."""
