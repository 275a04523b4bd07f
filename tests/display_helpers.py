"""What a notebook shows for an object: IPython's display formatter with physio's views (physio.notebook_display)."""

from __future__ import annotations

from IPython.core.formatters import DisplayFormatter

from physio.notebook_display import register


def shown(obj: object) -> dict[str, str]:
    """{MIME type: content} as a notebook displays `obj`."""
    formatter = DisplayFormatter()
    register(formatter)
    return formatter.format(obj)[0]
