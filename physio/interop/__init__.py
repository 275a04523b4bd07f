"""Plans and outcomes in open standards: HL7 FHIR R4 (fhir.py), iCalendar reminders (ics.py), CSV/JSON tables
(tables.py). Each builder is pure (a plan and its records in, a dict or bytes out); writers.py puts the result in
a file, all or nothing. Extension URLs, code systems and columns: docs/interop.md.
"""

from .fhir import BASE, DOSE_EXTENSION, plan_bundle
from .ics import plan_calendar
from .tables import TABLES, clinic_tables

__all__ = ["BASE", "DOSE_EXTENSION", "TABLES", "clinic_tables", "plan_bundle", "plan_calendar"]
