"""The fixed words of the handout and the workbook, one table per language (chosen by plan.language).

Plan texts (exercises, safety rules, warnings) are already in the plan's language; these are only the
headings and labels around them. A key missing from a language falls back to nothing: every table has
every key (tests/test_translations.py checks it).
"""

from __future__ import annotations

import datetime as dt

from ..models.exercise import ru_plural

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your home exercise plan",
        "doc_title": "Home exercise plan: {name}",
        "aim_of_phase": "Aim of this phase",
        "patient": "Patient",
        "therapist": "Therapist",
        "plan": "Plan",
        "programme": "Programme",
        "phase": "Phase",
        "dates": "Dates",
        "born": "{name} (born {year})",
        "version": "version {n}",
        "draft": "draft (not yet issued)",
        "phase_of": "{name} (phase {n} of {total})",
        "of_total": " of {total}",
        "date_range": "{start} to {end} ({weeks})",
        "doses_on_purpose": "Doses chosen for you on purpose",
        "changed_since": "What has changed since your last plan",
        "notes_from_therapist": "Notes from your therapist",
        "no_notes": "No extra notes for this plan.",
        "your_exercises": "Your exercises",
        "aim": "Aim",
        "starting_position": "Starting position",
        "you_need": "You need",
        "how_to": "How to do it",
        "breathing": "Breathing",
        "take_care": "Take care",
        "dose": "Dose",
        "reason_for_dose": "Reason for this dose ({param})",
        "therapist_note": "Your therapist's note",
        "calendar": "Your tick-box calendar",
        "calendar_intro": "Tick a box each time you finish a session. The columns are the exercises above: ",
        "week": "Week {n}: {start} to {end}",
        "day": "Day",
        "footer": "Prescribed by {therapist} for {patient} only. "
                  "This plan supports, and does not replace, your therapist's judgement.",
        "page": "page {n} of {total}",
        "page_xlsx": "page &P of &N",
        # the Log sheet's input prompts
        "not_allowed": "Not allowed here",
        "done_title": "Done?",
        "done_prompt": "Choose yes or no from the list.",
        "done_error": "Please choose yes or no from the list.",
        "answer_title": "Yes or no?",
        "answer_prompt": "Choose yes or no from the list.",
        "answer_error": "Please choose yes or no from the list.",
        "count_title": "Count",
        "count_prompt": "How many you did: a whole number, 0 or more.",
        "count_error": "Please type a whole number, 0 or more (for example 3).",
        "minutes_title": "Minutes",
        "minutes_prompt": "How many minutes you spent: 0 or more, for example 5 or 2.5.",
        "minutes_error": "Please type the minutes as a number, 0 or more (for example 5 or 2.5).",
        "angle_title": "Board angle",
        "angle_prompt": "The board's angle in degrees: a whole number from 0 to 90.",
        "angle_error": "The angle is a whole number of degrees from 0 to 90.",
        "pain_title": "Pain 0-10",
        "pain_prompt": "0 means no pain, 10 the worst pain you can imagine.",
        "pain_error": "Pain is a whole number from 0 (none) to 10 (worst imaginable).",
        # screening lines stored on the plan
        "cleared": "{text}: cleared by {by} on {on}",
        "age_under": "age {age}, under {v}",
        "age_over": "age {age}, over {v}",
        "cobb_over": "Cobb angle {cobb}°, over {v}°",
        "cobb_under": "Cobb angle {cobb}°, under {v}°",
        "cobb_at_least": "Cobb angle {cobb}°, {v}° or more",
        "growing_cobb": "Cobb angle {cobb}°, {v}° or more, Risser {risser}",
        "risser_missing": "age {age}, no Risser sign recorded",
        "no_preference": ("No directional preference was recorded at intake: this phase uses the backward-bending "
                          "(extension) programme; the therapist checks which direction eases the leg pain"),
        "late_start": "Entered after the fact: this plan starts {days} days before it was made ({reason})",
        "cleared_until": "valid until {until}",
        # the handout's first page, pictures and calendar (large print)
        "at_a_glance": "Your exercises at a glance",
        "at_a_glance_more": "Your exercises at a glance (continued)",
        "continued_next": "Continued on the next page →",
        "exercise_col": "Exercise",
        "how_much": "How much and how often",
        "scale_title": "When to carry on, ease off or get help",
        "every_time": "Every time you exercise",
        "zone_normal": "Normal: carry on",
        "zone_ease": "Ease off or stop",
        "zone_emergency": "Emergency",
        "call_clinic": "Not sure? Call {name}: {phone}",
        "call_therapist": "Not sure? Call your therapist, {therapist}",
        "call_emergency": "Emergency number: {number}",
        "call_emergency_local": "Call your local emergency number",
        "log_title": "How to fill in your log",
        "log_daily": "Each day, tick each exercise you did and write down your pain once: 0 is no pain, 10 the "
                     "worst you can imagine.",
        "log_week": "Once a week, answer the weekly check in your log.",
        "log_return": "Bring or send your log back to {who} by {end}.",
        "log_return_therapist": "Bring or send your log back to your therapist by {end}.",
        "start_frame": "Start",
        "end_frame": "End",
        "calendar_rows": "Tick a box each time you finish a session: one row for each exercise, one column for each day.",
        "week_short": "Week {n}",
    },
    "ru": {
        "title": "Ваш план домашних упражнений",
        "doc_title": "План домашних упражнений: {name}",
        "aim_of_phase": "Цель этого этапа",
        "patient": "Пациент",
        "therapist": "Специалист",
        "plan": "План",
        "programme": "Программа",
        "phase": "Этап",
        "dates": "Сроки",
        "born": "{name} ({year} г. р.)",
        "version": "версия {n}",
        "draft": "черновик (ещё не выдан)",
        "phase_of": "{name} (этап {n} из {total})",
        "of_total": " из {total}",
        "date_range": "с {start} по {end} ({weeks})",
        "doses_on_purpose": "Нагрузка, выбранная для вас специально",
        "changed_since": "Что изменилось с прошлого плана",
        "notes_from_therapist": "Заметки вашего специалиста",
        "no_notes": "Дополнительных заметок к этому плану нет.",
        "your_exercises": "Ваши упражнения",
        "aim": "Цель",
        "starting_position": "Исходное положение",
        "you_need": "Понадобится",
        "how_to": "Как выполнять",
        "breathing": "Дыхание",
        "take_care": "Будьте осторожны",
        "dose": "Нагрузка",
        "reason_for_dose": "Почему такая нагрузка ({param})",
        "therapist_note": "Заметка вашего специалиста",
        "calendar": "Ваш календарь занятий",
        "calendar_intro": "Ставьте галочку в клетке после каждого занятия. Столбцы — это упражнения выше: ",
        "week": "Неделя {n}: с {start} по {end}",
        "day": "День",
        "footer": "План составил(а): {therapist}. Только для: {patient}. "
                  "Этот план помогает вам, но не заменяет решений вашего специалиста.",
        "page": "страница {n} из {total}",
        "page_xlsx": "страница &P из &N",
        "not_allowed": "Здесь так нельзя",
        "done_title": "Выполнено?",
        "done_prompt": "Выберите yes (да) или no (нет) из списка.",
        "done_error": "Пожалуйста, выберите yes (да) или no (нет) из списка.",
        "answer_title": "Да или нет?",
        "answer_prompt": "Выберите да или нет из списка.",
        "answer_error": "Пожалуйста, выберите да или нет из списка.",
        "count_title": "Количество",
        "count_prompt": "Сколько вы сделали: целое число, 0 или больше.",
        "count_error": "Введите целое число, 0 или больше (например, 3).",
        "minutes_title": "Минуты",
        "minutes_prompt": "Сколько минут вы занимались: 0 или больше, например 5 или 2.5.",
        "minutes_error": "Введите минуты числом, 0 или больше (например, 5 или 2.5).",
        "angle_title": "Наклон доски",
        "angle_prompt": "Наклон доски в градусах: целое число от 0 до 90.",
        "angle_error": "Наклон — целое число градусов от 0 до 90.",
        "pain_title": "Боль 0-10",
        "pain_prompt": "0 — боли нет, 10 — самая сильная боль, какую можно представить.",
        "pain_error": "Боль — целое число от 0 (нет боли) до 10 (самая сильная).",
        "cleared": "{text}: разрешено, {by}, {on}",
        "age_under": "возраст {age}, меньше {v}",
        "age_over": "возраст {age}, больше {v}",
        "cobb_over": "угол Кобба {cobb}°, больше {v}°",
        "cobb_under": "угол Кобба {cobb}°, меньше {v}°",
        "cobb_at_least": "угол Кобба {cobb}°, {v}° или больше",
        "growing_cobb": "угол Кобба {cobb}°, {v}° или больше, Риссер {risser}",
        "risser_missing": "возраст {age}, тест Риссера не записан",
        "no_preference": ("При осмотре не записано предпочтительное направление движения: на этом этапе — программа "
                          "прогибов назад (разгибание); терапевт проверит, какое направление облегчает боль в ноге"),
        "late_start": "Внесён задним числом: план начинается за {days} дн. до дня, когда он составлен ({reason})",
        "cleared_until": "действует до {until}",
        "at_a_glance": "Ваши упражнения коротко",
        "at_a_glance_more": "Ваши упражнения коротко (продолжение)",
        "continued_next": "Продолжение на следующей странице →",
        "exercise_col": "Упражнение",
        "how_much": "Сколько и как часто",
        "scale_title": "Когда продолжать и когда звать на помощь",
        "every_time": "Каждый раз, когда занимаетесь",
        "zone_normal": "Нормально: продолжайте",
        "zone_ease": "Снизьте нагрузку или остановитесь",
        "zone_emergency": "Срочно",
        "call_clinic": "Не уверены? Звоните: {name}, {phone}",
        "call_therapist": "Не уверены? Звоните своему специалисту: {therapist}",
        "call_emergency": "Номер экстренной помощи: {number}",
        "call_emergency_local": "Звоните по местному номеру экстренной помощи",
        "log_title": "Как заполнять дневник",
        "log_daily": "Каждый день отмечайте сделанные упражнения и один раз записывайте боль: 0 — боли нет, "
                     "10 — сильнейшая боль.",
        "log_week": "Раз в неделю отвечайте на вопросы проверки в дневнике.",
        "log_return": "Верните дневник в клинику «{who}» до {end}.",
        "log_return_therapist": "Верните дневник своему специалисту до {end}.",
        "start_frame": "Начало",
        "end_frame": "Конец",
        "calendar_rows": "Ставьте галочку в клетке после каждого занятия: строка — упражнение, столбец — день.",
        "week_short": "Неделя {n}",
    },
}

_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September",
           "October", "November", "December"),
    # the genitive, as a Russian date is said: "3 марта 2025 г."
    "ru": ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября",
           "октября", "ноября", "декабря"),
}
_SHORT_MONTHS = {
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "ru": ("янв", "фев", "мар", "апр", "мая", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"),
}
_DAYS = {
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "ru": ("Пн", "Вт", "Ср", "Чт", "Пт", "Сб", "Вс"),
}


def labels(language: str) -> dict[str, str]:
    """The label table of a plan's language; English for a language without one."""
    return LABELS.get(language, LABELS["en"])


def long_date(d: dt.date, language: str = "en") -> str:
    """'3 March 2025' / '3 марта 2025 г.': spelt out, so no reader confuses day and month."""
    months = _MONTHS.get(language, _MONTHS["en"])
    text = f"{d.day} {months[d.month - 1]} {d.year}"
    return text + " г." if language == "ru" else text


def short_date(d: dt.date, language: str = "en") -> str:
    """'7 Sep': the day and the month's short name (the calendar's week headings)."""
    return f"{d.day} {_SHORT_MONTHS.get(language, _SHORT_MONTHS['en'])[d.month - 1]}"


def weekday(d: dt.date, language: str = "en") -> str:
    return _DAYS.get(language, _DAYS["en"])[d.weekday()]


def weeks(n: int, language: str = "en") -> str:
    if language == "ru":
        return f"{n} {ru_plural(n, 'неделя', 'недели', 'недель')}"
    return f"{n} week{'s' if n != 1 else ''}"
