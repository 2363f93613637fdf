"""Step 2, the supply review: the operations plan, its costs, capacity and family sheets."""
