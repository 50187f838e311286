"""The actors domain's Alembic revisions (branch ``actors``, depending on the store's
``0001_datasets``); applied by :meth:`smartspec.store.Store.upgrade`."""
