"""The `physio` command for the terminal: the same functions as the notebooks and the app.

One module per group of subcommands: `main` (the parser, and the plan, export, import, review, clinic, red-flag,
picture and workspace commands), `patients` (with `prompts`, asking field by field, and `specs`, the
--condition/--clearance texts), `measures` and `interop` (FHIR, calendar, CSV/JSON). Nothing else in physio imports
this package: it sits on top of the clinical core, io, store and interop.
"""

from .main import COMMANDS, main

__all__ = ["main", "COMMANDS"]
