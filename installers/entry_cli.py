"""Frozen entry point of the command line (cswb)."""

import sys

from cswb_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
