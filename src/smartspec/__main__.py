"""``python -m smartspec`` runs the command line."""

from smartspec.services.cli import main

main()
