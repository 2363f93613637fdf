"""Traffic-light statuses shared by KPIs, family status and plan adherence."""
GREEN, AMBER, RED, NOT_AVAILABLE = "green", "amber", "red", "n/a"
