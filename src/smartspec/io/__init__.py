"""Reading long tables from files and writing result tables (the package's only file I/O).

>>> from smartspec.io import read_table, read_population, write_tables
"""

from .readers import FORMATS, read_population, read_table
from .writers import jsonable, write_json, write_tables

__all__ = ["FORMATS", "jsonable", "read_population", "read_table", "write_json", "write_tables"]
