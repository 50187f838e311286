"""Monitoring and evaluation of smart-specialisation strategies (issue 19, in slices).

So far: :mod:`.progress`, the rule that says whether an indicator is on track, at risk or off
track against its target trajectory. The domain's tables, service, API, pages and commands come
with the next slices and register it in :data:`smartspec.domains.DOMAINS` then.
"""
