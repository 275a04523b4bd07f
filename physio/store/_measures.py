"""Outcome-measure results: each scored answer sheet kept as given, append-only, with who recorded it and when.

A result is never changed or deleted: a mistyped sheet is corrected by recording the right one (both stay,
the trail says who recorded each). The scoring itself is physio.measures' (pure); this part only stores it.
"""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import insert, select

from ..errors import WorkspaceError
from ..measures.models import Answers, Result, Score
from ..models._base import Frozen
from ._audit import insert_event, now
from ._schema import measure_results


class StoredResult(Frozen):
    """One recorded outcome-measure result of one patient: the answers typed, their score, who and when."""

    id: int
    patient_id: str
    measure_id: str
    on: dt.date
    answers: Answers
    score: Score
    recorded_by: str
    recorded_at: dt.datetime

    @property
    def result(self) -> Result:
        return Result(measure_id=self.measure_id, on=self.on, score=self.score)


class MeasureResults:
    """The outcome-measure part of the Workspace (mixed in; uses its _read/_write and patient())."""

    def record_result(self, patient_id: str, result: Result, answers: Answers, *, by: str | None = None,
                      at: dt.datetime | None = None) -> StoredResult:
        """Keep one scored result (and its answers) for a patient, with an audit line, in one transaction."""
        patient = self.patient(patient_id)  # type: ignore[attr-defined]  # unknown patient: UnknownId
        if answers.measure_id != result.measure_id:
            raise WorkspaceError(f"the answers are of '{answers.measure_id}' and the score of "
                                 f"'{result.measure_id}'; a result keeps the answers it was scored from")
        if result.on.year < patient.birth_year:
            raise WorkspaceError(f"{result.measure_id} on {result.on:%d.%m.%Y} is before {patient.name}'s birth "
                                 f"(born {patient.birth_year}); nothing was recorded")
        who, when = self.writer(by), (at or now()).replace(microsecond=0)  # type: ignore[attr-defined]
        body = json.dumps({"answers": answers.model_dump(mode="json"), "score": result.score.model_dump(mode="json")})
        with self._write() as con:  # type: ignore[attr-defined]
            new_id = con.execute(insert(measure_results).values(
                patient_id=patient_id, measure_id=result.measure_id, date=result.on.isoformat(), json=body,
                recorded_by=who, recorded_at=when.isoformat())).inserted_primary_key[0]
            value = "no score" if result.score.value is None else f"{result.score.value:g}"
            insert_event(con, "measure-recorded", patient_id,
                         f"{result.measure_id} on {result.on:%d.%m.%Y}: {value}", who, when)
        return self._stored(new_id, patient_id, result.measure_id, result.on.isoformat(), body, who, when.isoformat())

    def results(self, patient_id: str, measure_id: str | None = None) -> list[StoredResult]:
        """A patient's recorded results (of one instrument, if given), by date, then in the order recorded."""
        self.patient(patient_id)  # type: ignore[attr-defined]
        c = measure_results.c
        query = select(c.id, c.patient_id, c.measure_id, c.date, c.json, c.recorded_by, c.recorded_at).where(
            c.patient_id == patient_id)
        if measure_id is not None:
            query = query.where(c.measure_id == measure_id)
        with self._read() as con:  # type: ignore[attr-defined]
            rows = con.execute(query.order_by(c.date, c.id)).all()
        return [self._stored(*r) for r in rows]

    @staticmethod
    def _stored(id_, patient_id, measure_id, date, body, who, when) -> StoredResult:
        data = json.loads(body)
        return StoredResult(id=id_, patient_id=patient_id, measure_id=measure_id, on=dt.date.fromisoformat(date),
                            answers=Answers.model_validate(data["answers"]), score=Score.model_validate(data["score"]),
                            recorded_by=who, recorded_at=dt.datetime.fromisoformat(when))
