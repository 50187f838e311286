"""Innovation actors: organisations, collaboration networks, partners."""
