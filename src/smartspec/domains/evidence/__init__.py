"""The evidence domain: what the indicators say about a region, an activity, the activity space
and a comparison (:mod:`.service`, typed views in :mod:`.views`), the framework, backtests and
the measure catalogue (:mod:`.methods`), and their API routers (:mod:`.api`).
"""
