"""The Qt-free core: store, importers and the recommendation engine.

Nothing under this package may import Qt or pyqtgraph (tests enforce it), so the
same code serves the GUI, the CLI, tests and notebooks.
"""
