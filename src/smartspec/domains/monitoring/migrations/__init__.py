"""The monitoring domain's Alembic revisions (branch ``monitoring``, depending on the store's
``0001_datasets`` and the registry's ``r001_registry``); applied by
:meth:`smartspec.store.Store.upgrade`."""
