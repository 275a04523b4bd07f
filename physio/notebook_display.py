"""How a notebook (JupyterLab, Voilà) shows physio's objects: a patient, plan, exercise, phase or protocol as an
HTML table (physio.render), an exercise drawing as SVG (physio.figures.backends).

The models and the drawings know nothing of how they are shown; `physio` registers these views with IPython
when it is imported inside a notebook, by class name, so nothing here is imported before something is shown.
"""

from __future__ import annotations

from typing import Any, Callable


def _html(view: str) -> Callable[[Any], str]:
    def show(obj: Any) -> str:
        from . import render

        return getattr(render, view)(obj)

    return show


def _svg(fig: Any) -> str:
    from .figures.backends import to_svg

    return to_svg(fig)


#: (module, class, MIME type, how an object of that class is shown)
VIEWS: tuple[tuple[str, str, str, Callable[[Any], str]], ...] = (
    ("physio.models.patient", "Patient", "text/html", _html("patient_html")),
    ("physio.models.plan", "Plan", "text/html", _html("plan_html")),
    ("physio.models.exercise", "Exercise", "text/html", _html("exercise_html")),
    ("physio.models.protocol", "Phase", "text/html", _html("phase_html")),
    ("physio.models.protocol", "Protocol", "text/html", _html("protocol_html")),
    ("physio.figures.shapes", "Figure", "image/svg+xml", _svg),
)


def register(display_formatter: Any) -> None:
    """Teach an IPython display formatter (`get_ipython().display_formatter`) our views."""
    for module, name, mime, view in VIEWS:
        display_formatter.formatters[mime].for_type_by_name(module, name, view)


def register_in_running_notebook() -> None:
    """Register the views when physio is imported inside IPython (a notebook kernel); elsewhere do nothing, and
    never import IPython for it."""
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None and hasattr(ipython, "get_ipython") else None
    if shell is not None:
        register(shell.display_formatter)
