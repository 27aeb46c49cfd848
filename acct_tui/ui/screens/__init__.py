"""The app's screens: one module per mode, a `.tcss` beside each, plus modals."""
