"""The registry's Alembic revisions (branch ``registry``, depending on the store's
``0001_datasets``); applied by :meth:`smartspec.store.Store.upgrade`."""
