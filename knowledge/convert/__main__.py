"""`python -m knowledge.convert OUT_DIR`."""

import sys

from . import main

sys.exit(main())
