"""Traffic-light statuses shared by KPIs, family status and plan adherence, and the light fill
each shows with on a page and in the Excel pack."""
GREEN, AMBER, RED, NOT_AVAILABLE = "green", "amber", "red", "n/a"
FILLS = {GREEN: "D8F0D8", AMBER: "FBE7C0", RED: "F6C9C9"}
