"""`python -m govcrawl` runs the CLI, so the Makefile works before the entry point is on PATH."""

from govcrawl.cli import main

raise SystemExit(main())
