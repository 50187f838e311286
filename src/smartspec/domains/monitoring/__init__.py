"""Monitoring and evaluation of smart-specialisation strategies (docs/monitoring.md).

The intervention logic of a strategy of the registry: its priorities, objectives, actions and
output, result and context indicators, with baselines, milestones, targets and values (entered,
imported, or computed from a dataset), and whether each indicator is on track.

- :mod:`.progress` (pure): on track, at risk, off track against the target trajectory;
- :mod:`.models`, :mod:`.migrations`: the tables (Alembic branch ``monitoring``);
- :mod:`.service` (:class:`~.service.Monitoring`, by :func:`.actions.monitoring_of`): reading,
  changes with permissions, versions and history, progress per strategy, region and across
  regions; :mod:`.plans` (objectives, actions), :mod:`.core` and :mod:`.repo` below it;
  :mod:`.views` what it returns;
- :mod:`.transfer`: importing values from CSV or Excel, all or nothing;
- :mod:`.compute` computed indicators, :mod:`.starter` the starter set, :mod:`.evaluation`
  counterfactual evaluation;
- :mod:`.api`, :mod:`.cli`, :mod:`.pages`: the interfaces; :mod:`.actions` the example plan
  loaded on first start.
"""
