"""cswb-desktop: offline Community Safety and Well-Being planning for Ontario communities."""

__version__ = "0.1.0"
APP_NAME = "cswb-desktop"
