"""`python -m reviewbot` is the `reviewbot` command."""

import sys

from reviewbot.app.cli import main

sys.exit(main())
