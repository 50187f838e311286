"""The review domain's Alembic revisions (branch ``review``, depending on the store's
``0001_datasets`` and the registry's ``r001_registry``); applied by
:meth:`smartspec.store.Store.upgrade`."""
