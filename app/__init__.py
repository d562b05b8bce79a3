"""SQ-Inspect runtime: inference on exported bundles, cameras, store, GUI and the command line.

Nothing in this package imports torch, transformers, models/ or export/ at module level:
a factory PC installs only the runtime.
"""

__version__ = "0.1.0"
