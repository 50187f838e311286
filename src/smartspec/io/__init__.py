"""Reading long tables from files and writing result tables (the package's only file I/O).

>>> from smartspec.io import read_table, read_population, write_tables
"""

from .readers import FORMATS, read_population, read_table
from .writers import Coded, TableStream, jsonable, write_json, write_tables

__all__ = [
    "FORMATS",
    "Coded",
    "TableStream",
    "jsonable",
    "read_population",
    "read_table",
    "write_json",
    "write_tables",
]
