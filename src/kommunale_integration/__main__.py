"""``python -m kommunale_integration`` runs the command line."""

from ._cli import main

raise SystemExit(main())
