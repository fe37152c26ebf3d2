"""`python -m cti_cli`: the same as the `cti` command."""

from cti_cli.cli import main

raise SystemExit(main())
