"""Widgets for the notebooks and the Voilà app: thin layers over the public API, no clinical logic.

Each widget has `.widget` (what a notebook displays) and plain methods that tests call. Callbacks never
raise into the kernel: errors appear as a clear message inside the widget.
"""

from .app import PhysioApp
from .clinic import ClinicOverview
from .intake import IntakeForm
from .log_review import LogReview
from .plan_builder import PlanBuilder
from .protocols import ProtocolBrowser
from ._workspace_line import with_workspace_line

__all__ = ["ClinicOverview", "IntakeForm", "LogReview", "PhysioApp", "PlanBuilder", "ProtocolBrowser",
           "with_workspace_line"]
