"""Helpers for the book "Large AI Models, Derived and Trained".

Import what you need by name, e.g. ``from tutorial_utils.device import get_device``.
Importing any module of this package has no side effects: no downloads, no prints
and no seeding.
"""

__version__ = "0.2.0"
__all__ = ["__version__"]
