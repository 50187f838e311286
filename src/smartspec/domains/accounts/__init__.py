"""Accounts: users with roles and region grants, sessions, API tokens and the permission rules
every domain's service applies (:mod:`.rules`)."""
