"""Names the planning tables share: the key of a family-month row and the label of a row that
adds up the families."""

KEY = ["family", "month"]
TOTAL = "Total"
