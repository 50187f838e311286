"""The region report: one document per region and dataset (HTML, PDF, Excel)."""
