"""Reports: charts (Vega-Lite specifications, rendered to SVG/PNG without a browser) and,
later, HTML/PDF/Excel documents. Built on the library's results; never imported by ``core``."""
