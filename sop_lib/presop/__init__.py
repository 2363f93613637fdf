"""Step 3, pre-S&OP: demand against supply, money, scenarios, the bridge and the agenda."""
