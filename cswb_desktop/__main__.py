"""`python -m cswb_desktop` starts the desktop program."""

import sys

from .app import main

sys.exit(main())
