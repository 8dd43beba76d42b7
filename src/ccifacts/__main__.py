"""Entry point for ``python -m ccifacts``: the same program as the ``ccifacts`` script."""

from ccifacts.cli import main

raise SystemExit(main())
