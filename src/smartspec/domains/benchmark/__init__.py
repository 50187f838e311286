"""Benchmark regions: the regions most like a region, and why."""
