"""What a notebook shows for physio's objects: IPython's display formatter, as a kernel uses it.

The models and drawings do not render themselves (that would tie them to physio.render); `import physio` inside
IPython registers the views of physio.notebook_display, and these tests go through that path.
"""

from __future__ import annotations

import subprocess
import sys


def test_importing_physio_inside_ipython_shows_plans_and_drawings_as_html_and_svg():
    """The path a notebook takes: a kernel with IPython running, then `import physio`, then a bare expression."""
    script = (
        "from IPython.core.interactiveshell import InteractiveShell\n"
        "shell = InteractiveShell.instance()\n"
        "import physio\n"
        "from physio.figures import exercise_figure\n"
        "lib = physio.default_library()\n"
        "html = shell.display_formatter.format(lib.protocol('scoliosis'))[0]\n"
        "svg = shell.display_formatter.format(exercise_figure('cat-camel', library=lib))[0]\n"
        "print('<table' in html['text/html'], svg['image/svg+xml'].startswith('<svg'))\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "True"]


def test_outside_ipython_importing_physio_neither_imports_ipython_nor_the_views():
    script = ("import sys, physio\n"
              "print('IPython' in sys.modules, 'physio.notebook_display' in sys.modules, 'physio.render' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["False", "False", "False"], out.stderr
