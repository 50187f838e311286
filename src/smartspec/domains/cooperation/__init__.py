"""The EU-Mexico cooperation monitor: FP7 and Horizon 2020 participation."""
