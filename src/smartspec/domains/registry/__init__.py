"""The priorities registry: declared smart-specialisation (S3) priorities of regions of any
country, coded by NACE, FORD, IPC/CPC, SDG and cohesion-policy objective, versioned and audited.

Modules:

- :mod:`.service` — :class:`~.service.Registry`, what the API, the pages and the CLI call;
- :mod:`.views` — its typed views (pydantic);
- :mod:`.models` and :mod:`.migrations` — its tables (Alembic branch ``registry``);
- :mod:`.repo` — reads and writes of rows; :mod:`.search` — full-text search, comparison and
  similarity; :mod:`.checks` — bounds and input checks; :mod:`.nuts` — the bundled NUTS list;
- :mod:`.codes` — the bundled classification code lists; :mod:`.transfer`, :mod:`.example` —
  spreadsheet import/export and the bundled Czech example; :mod:`.autocode`,
  :mod:`.coherence` — code suggestions and evidence coherence.

Nothing is imported here, so that importing one module does not load the others.
"""
