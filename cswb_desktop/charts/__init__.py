"""Pictures drawn with QtGui only (no QtWidgets), shared by the screen and the exports."""
