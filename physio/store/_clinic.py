"""The clinic's profile (name, phone, emergency number): one per workspace, kept as JSON in the meta table.

No table of its own: the profile is one small record, and the meta table already holds the workspace's
own facts. Who set it and when is kept beside it.
"""

from __future__ import annotations

import json

from pydantic import ValidationError
from sqlalchemy import delete, insert, select

from ..errors import WorkspaceError
from ..models import ClinicProfile
from ._audit import now
from ._schema import meta

_KEY = "clinic_profile"


class ClinicProfiles:
    """The clinic-profile part of the Workspace (mixed in; uses its _read/_write)."""

    def clinic_profile(self) -> ClinicProfile | None:
        """The clinic's profile, or None when nobody has set one yet."""
        with self._read() as con:  # type: ignore[attr-defined]
            row = con.execute(select(meta.c.value).where(meta.c.key == _KEY)).first()
        if row is None:
            return None
        try:
            return ClinicProfile.model_validate(json.loads(row[0])["profile"])
        except (ValueError, KeyError, TypeError, ValidationError) as e:
            raise WorkspaceError(
                f"the clinic profile stored in {self.where} cannot be read ({e.__class__.__name__}); "  # type: ignore[attr-defined]
                "set it again with `physio workspace profile --name ... --phone ...`"
            ) from None

    def set_clinic_profile(self, profile: ClinicProfile, *, by: str | None = None) -> ClinicProfile:
        """Keep `profile` as the clinic's (replacing any earlier one); every handout exported after prints it."""
        body = json.dumps({"profile": profile.model_dump(mode="json"), "set_by": self.writer(by),  # type: ignore[attr-defined]
                           "set_at": now().isoformat()}, ensure_ascii=False)
        with self._write() as con:  # type: ignore[attr-defined]
            con.execute(delete(meta).where(meta.c.key == _KEY))
            con.execute(insert(meta).values(key=_KEY, value=body))
        return profile
