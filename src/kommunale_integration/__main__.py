"""``python -m kommunale_integration`` runs the command line, as the program does."""

from _kommunale_integration_cli import main

raise SystemExit(main())
