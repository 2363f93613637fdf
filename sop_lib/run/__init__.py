"""The top floor: the steps, the runner, kernels and the notebook's workbook view."""
