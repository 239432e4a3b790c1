"""Frozen entry point of the desktop program (cswb-desktop)."""

import sys

from cswb_desktop.app import main

if __name__ == "__main__":
    sys.exit(main())
