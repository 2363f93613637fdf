"""Step 1, the demand review: statistical forecast, consensus, accuracy."""
