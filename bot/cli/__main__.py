"""`python -m bot.cli`: the same as the `madoguchi` command."""

import sys

from . import main

sys.exit(main())
