"""The datasets domain: the catalogue's documents (:mod:`.service`) and their API (:mod:`.api`).

The catalogue's state (bundled datasets, uploads, label files, the store) is kept by
:class:`smartspec.app.SmartSpecApp`; this package turns it into what the interfaces show.
"""
