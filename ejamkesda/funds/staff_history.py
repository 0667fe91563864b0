"""Effective-dated staff history and the month-by-month inputs of a run.

Every attribute that feeds points (jenis tenaga, education, status, golongan, extra roles,
JKN programme holder, the provider, active or not) is kept as :class:`StaffState` rows: a
change records from which date it holds, and the value on any past date is read back with
:func:`state_on`. Start and end of employment are dates on the staff record. A run over
several months (Perbup Kapuas Hulu 9/2015 Pasal 20) takes each month's values at the month's
last day (or the last day employed) through :func:`people_for_months`.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, QuerySet

from ejamkesda.funds.models import Attendance, StaffMember, StaffState
from ejamkesda.providers.models import Provider
from ejamkesda.rules.jaspel import StaffInput
from ejamkesda.rules.jaspel_range import PersonMonths, month_end

# StaffMember field → StaffState field (the same names, the provider by id).
HISTORY_FIELDS: tuple[str, ...] = (
    "provider_id",
    "jenis_tenaga",
    "education",
    "status",
    "golongan",
    "roles",
    "program_jkn",
    "active",
)


def _values(member: StaffMember) -> dict[str, Any]:
    return {name: getattr(member, name) for name in HISTORY_FIELDS}


def state_on(states: Sequence[StaffState], day: dt.date) -> StaffState | None:
    """The state holding on ``day`` (``states`` ordered by ``valid_from``); before the first
    recorded state, the first one (records created before history began)."""
    if not states:
        return None
    index = bisect.bisect_right([state.valid_from for state in states], day)
    return states[max(index - 1, 0)]


def history_record(
    *, staff: StaffMember, before: dict[str, Any] | None, valid_from: dt.date, actor: Any, dated: bool = False
) -> None:
    """Record the staff record's new values as holding from ``valid_from``.

    ``before`` is the record's values before the change (``None`` for a new record, which
    holds from its start date). A change dated in the past also applies to later states that
    still had the old value, and stops at a later state that had changed that attribute
    itself. With an explicit date (``dated``) and nothing changed, the record's values are
    dated back: e.g. "PNS since April" recorded when the record already says PNS. Called
    inside the caller's transaction, after the record was saved.
    """
    now = _values(staff)
    if before is None:
        StaffState.objects.create(staff=staff, valid_from=staff.started_on, recorded_by=actor, **now)
        return
    changed = {name: value for name, value in now.items() if before.get(name) != value}
    states = list(StaffState.objects.select_for_update().filter(staff=staff).order_by("valid_from"))
    prior = state_on(states, valid_from)
    if prior is not None and prior.valid_from > valid_from:
        prior = None  # dated before the first state: it starts from the record's old values
    old = {name: getattr(prior, name) for name in HISTORY_FIELDS} if prior is not None else before
    if not changed and dated:
        changed = {name: value for name, value in now.items() if old.get(name) != value}
    if not changed and states:
        return
    if prior is not None and prior.valid_from == valid_from:
        base = prior
    else:
        base = StaffState.objects.create(staff=staff, valid_from=valid_from, recorded_by=actor, **{**old, **changed})
        states = sorted([*states, base], key=lambda state: state.valid_from)
    stopped: set[str] = set()
    for state in states:
        if state.valid_from < valid_from:
            continue
        updates = {}
        for name, value in changed.items():
            if name in stopped:
                continue
            if state.pk != base.pk and getattr(state, name) != old[name]:
                stopped.add(name)  # a later change of its own
                continue
            updates[name] = value
        if updates:
            for name, value in updates.items():
                setattr(state, name, value)
            state.recorded_by = actor
            state.save()
    # The record itself shows the values holding today.
    today = state_on(sorted(states, key=lambda state: state.valid_from), dt.date.today())
    if today is not None and any(getattr(staff, name) != getattr(today, name) for name in HISTORY_FIELDS):
        for name in HISTORY_FIELDS:
            setattr(staff, name, getattr(today, name))
        staff.save(update_fields=[name.removesuffix("_id") for name in HISTORY_FIELDS])


def history_rows(staff: StaffMember) -> list[dict[str, Any]]:
    """The roster page's history: each state with what changed from the one before."""
    rows: list[dict[str, Any]] = []
    previous: StaffState | None = None
    for state in staff.states.select_related("provider").order_by("valid_from"):
        changes = [
            name.removesuffix("_id")
            for name in HISTORY_FIELDS
            if previous is not None and getattr(previous, name) != getattr(state, name)
        ]
        rows.append({"state": state, "changes": changes})
        previous = state
    return rows


def employed_on(member: StaffMember, first: dt.date, last: dt.date) -> dt.date | None:
    """The day whose values count for the month ``first``..``last``: its last day, or the
    last day employed; ``None`` when not employed that month."""
    if member.started_on > last or (member.ended_on is not None and member.ended_on < first):
        return None
    return min(last, member.ended_on) if member.ended_on is not None else last


def working_in(staff: QuerySet[StaffMember], month: dt.date) -> QuerySet[StaffMember]:
    """Staff employed in ``month``: a leaver still appears for the months worked, so a
    year's attendance can be entered after they left."""
    return staff.filter(started_on__lte=month_end(month)).filter(
        Q(ended_on__isnull=True, active=True) | Q(ended_on__gte=month)
    )


def people_for_months(
    provider: Provider, months: Sequence[dt.date]
) -> tuple[dict[str, StaffMember], list[PersonMonths]]:
    """Everyone who worked at the provider in any of ``months``, whether active now or not,
    with each month's values from the history and that month's attendance."""
    first, last = months[0], month_end(months[-1])
    worked = (
        StaffMember.objects.filter(Q(provider=provider) | Q(states__provider=provider))
        .filter(started_on__lte=last)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first))
    )
    ids = worked.values("pk")  # a subquery: no list of thousands of ids in the SQL
    members = list(StaffMember.objects.filter(pk__in=ids).order_by("name", "id"))
    states: dict[int, list[StaffState]] = defaultdict(list)
    for state in StaffState.objects.filter(staff__in=ids).order_by("staff_id", "valid_from"):
        states[state.staff_id].append(state)
    # Tuples, not model instances: a year for 5,000 staff is 60,000 rows.
    attendance: dict[tuple[int, dt.date], tuple[int, int, int, Any]] = {
        (staff_id, period): (present, excused, late, skp)
        for staff_id, period, present, excused, late, skp in Attendance.objects.filter(
            staff__in=ids, period__gte=first, period__lte=months[-1]
        ).values_list("staff_id", "period", "days_present", "days_excused", "minutes_late", "skp")
    }
    people: list[PersonMonths] = []
    by_id: dict[str, StaffMember] = {}
    for member in members:
        inputs = tuple(_month_input(member, states[member.pk], month, provider, attendance) for month in months)
        if any(item is not None for item in inputs):
            by_id[str(member.pk)] = member
            people.append(PersonMonths(str(member.pk), member.name, inputs))
    return by_id, people


def _month_input(
    member: StaffMember,
    states: Sequence[StaffState],
    month: dt.date,
    provider: Provider,
    attendance: dict[tuple[int, dt.date], tuple[int, int, int, Any]],
) -> StaffInput | None:
    day = employed_on(member, month, month_end(month))
    if day is None:
        return None
    state = state_on(states, day)
    values = _values(member) if state is None else {name: getattr(state, name) for name in HISTORY_FIELDS}
    if values["provider_id"] != provider.pk or not values["active"]:
        return None
    present, excused, late, skp = attendance.get((member.pk, month), (0, 0, 0, None))
    return StaffInput(
        id=str(member.pk),
        nama=member.name,
        jenis_tenaga=values["jenis_tenaga"],
        pendidikan=values["education"],
        mulai_kerja=member.started_on,
        rangkap=tuple(part.strip() for part in values["roles"].split(";") if part.strip()),
        status=values["status"],
        golongan=values["golongan"],
        hari_hadir=present,
        hari_izin=excused,
        menit_terlambat=late,
        skp=skp,
        program_jkn=values["program_jkn"],
        selesai_kerja=member.ended_on,
    )
