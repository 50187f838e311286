"""Pure computation: numpy, scipy.sparse and pandas only (no I/O, no services)."""
