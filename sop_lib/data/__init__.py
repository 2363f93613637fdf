"""The company folder: the data contract, loading, checks, the Company and the sample."""
