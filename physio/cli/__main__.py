"""`python -m physio.cli ...`: the same as the `physio` command."""

import sys

from .main import main

sys.exit(main())
