"""Partner regions along value chains: strength, potential, coverage."""
