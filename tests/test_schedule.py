"""Planned dates: month ends, leap years, 6- and 9-month courses, no drift from d0."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cti_cli.core.schedule import add_months, earliest_d0, is_late_transition, plan, too_early


def oracle_add_months(d: dt.date, n: int) -> dt.date:
    """An independent add_months: integer month arithmetic, clipped with calendar.monthrange."""
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(d.day, last))


dates = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31))


# -- add_months -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "n", "expected"),
    [
        (dt.date(2027, 1, 31), 1, dt.date(2027, 2, 28)),
        (dt.date(2028, 1, 31), 1, dt.date(2028, 2, 29)),
        (dt.date(2027, 8, 31), 1, dt.date(2027, 9, 30)),
        (dt.date(2027, 8, 31), 6, dt.date(2028, 2, 29)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 30), 3, dt.date(2028, 2, 29)),
        (dt.date(2028, 2, 29), 12, dt.date(2029, 2, 28)),
        (dt.date(2028, 2, 29), 48, dt.date(2032, 2, 29)),
        (dt.date(2027, 3, 31), -1, dt.date(2027, 2, 28)),
        (dt.date(2027, 12, 15), 1, dt.date(2028, 1, 15)),
        (dt.date(2027, 5, 10), 0, dt.date(2027, 5, 10)),
    ],
)
def test_add_months_clips_to_month_end(d: dt.date, n: int, expected: dt.date) -> None:
    assert add_months(d, n) == expected


@given(dates, st.integers(min_value=-24, max_value=24))
def test_add_months_matches_oracle(d: dt.date, n: int) -> None:
    assert add_months(d, n) == oracle_add_months(d, n)


@given(dates, st.integers(min_value=-24, max_value=24))
def test_add_months_is_relativedelta(d: dt.date, n: int) -> None:
    """The stdlib arithmetic gives what dateutil's relativedelta gives (it once was that)."""
    from dateutil.relativedelta import relativedelta

    assert add_months(d, n) == d + relativedelta(months=n)


# -- plan -------------------------------------------------------------------------------------


def test_nine_month_plan() -> None:
    s = plan(dt.date(2026, 3, 2), transition_date=dt.date(2026, 3, 15))
    assert (s.phase2, s.phase3, s.end) == (
        dt.date(2026, 6, 2),
        dt.date(2026, 9, 2),
        dt.date(2026, 12, 2),
    )
    assert s.handover_by == dt.date(2026, 11, 2)
    assert s.earliest_d0 == dt.date(2026, 2, 15)
    assert s.documentation == {
        "start": dt.date(2026, 3, 2),
        "month3": dt.date(2026, 6, 2),
        "month6": dt.date(2026, 9, 2),
    }


def test_no_drift_from_month_end() -> None:
    # Chained: Nov 30 + 3 = Feb 29, + 3 = May 29. Anchored: Nov 30 + 6 = May 30.
    s = plan(dt.date(2027, 11, 30), transition_date=dt.date(2027, 12, 1))
    assert s.phase2 == dt.date(2028, 2, 29)
    assert s.phase3 == dt.date(2028, 5, 30)
    assert s.end == dt.date(2028, 8, 30)
    assert s.handover_by == dt.date(2028, 7, 30)


def test_aug_31_course() -> None:
    s = plan(dt.date(2027, 8, 31), transition_date=dt.date(2027, 9, 1))
    assert (s.phase2, s.phase3, s.end) == (
        dt.date(2027, 11, 30),
        dt.date(2028, 2, 29),
        dt.date(2028, 5, 31),
    )
    assert s.handover_by == dt.date(2028, 4, 30)


def test_six_month_course_has_two_month_thirds() -> None:
    s = plan(dt.date(2027, 1, 31), transition_date=dt.date(2027, 2, 10), course_months=6)
    assert (s.phase2, s.phase3, s.end) == (
        dt.date(2027, 3, 31),
        dt.date(2027, 5, 31),
        dt.date(2027, 7, 31),
    )
    assert s.handover_by == dt.date(2027, 6, 30)
    assert s.documentation["month3"] == dt.date(2027, 3, 31)


@pytest.mark.parametrize("months", [0, 3, 7, 12, -9])
def test_course_months_must_be_six_or_nine(months: int) -> None:
    with pytest.raises(ValueError, match="course_months must be 6 or 9"):
        plan(dt.date(2027, 1, 1), dt.date(2027, 1, 1), course_months=months)


def test_planned_start_and_end() -> None:
    s = plan(dt.date(2026, 1, 10), transition_date=dt.date(2026, 1, 20))
    starts = {p: s.planned_start(p) for p in ("contact", "phase1", "phase2", "phase3", "closed")}
    ends = {p: s.planned_end(p) for p in ("contact", "phase1", "phase2", "phase3", "closed")}
    assert starts == {
        "contact": None,
        "phase1": dt.date(2026, 1, 10),
        "phase2": dt.date(2026, 4, 10),
        "phase3": dt.date(2026, 7, 10),
        "closed": dt.date(2026, 10, 10),
    }
    assert ends == {
        "contact": dt.date(2026, 1, 10),
        "phase1": dt.date(2026, 4, 10),
        "phase2": dt.date(2026, 7, 10),
        "phase3": dt.date(2026, 10, 10),
        "closed": None,
    }
    with pytest.raises(ValueError, match="unknown phase 'phase4'"):
        s.planned_start("phase4")


@pytest.mark.parametrize(
    ("day", "phase"),
    [
        (dt.date(2026, 1, 9), "contact"),
        (dt.date(2026, 1, 10), "phase1"),
        (dt.date(2026, 4, 9), "phase1"),
        (dt.date(2026, 4, 10), "phase2"),
        (dt.date(2026, 7, 9), "phase2"),
        (dt.date(2026, 7, 10), "phase3"),
        (dt.date(2026, 10, 9), "phase3"),
        (dt.date(2026, 10, 10), "closed"),
        (dt.date(2030, 1, 1), "closed"),
    ],
)
def test_phase_at_boundaries(day: dt.date, phase: str) -> None:
    assert plan(dt.date(2026, 1, 10), dt.date(2026, 1, 10)).phase_at(day) == phase


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (dt.date(2026, 4, 10), 1),
        (dt.date(2026, 4, 16), 1),
        (dt.date(2026, 4, 17), 2),
        (dt.date(2026, 7, 9), 13),
    ],
)
def test_week_of_phase(day: dt.date, week: int) -> None:
    s = plan(dt.date(2026, 1, 10), dt.date(2026, 1, 10))
    assert s.week_of_phase("phase2", dt.date(2026, 4, 10), day) == week


def test_week_of_phase_rejects_day_before_start() -> None:
    s = plan(dt.date(2026, 1, 10), dt.date(2026, 1, 10))
    with pytest.raises(ValueError, match="before phase2 started"):
        s.week_of_phase("phase2", dt.date(2026, 4, 10), dt.date(2026, 4, 9))


# -- transition checks ------------------------------------------------------------------------


def test_earliest_d0_is_a_month_before_transition() -> None:
    assert earliest_d0(dt.date(2027, 3, 31)) == dt.date(2027, 2, 28)
    assert earliest_d0(dt.date(2028, 3, 30)) == dt.date(2028, 2, 29)


@pytest.mark.parametrize(
    ("d0", "transition", "early"),
    [
        (dt.date(2027, 2, 28), dt.date(2027, 3, 31), False),
        (dt.date(2027, 2, 27), dt.date(2027, 3, 31), True),
        (dt.date(2027, 3, 31), dt.date(2027, 3, 31), False),
        (dt.date(2027, 5, 1), dt.date(2027, 3, 31), False),
        (dt.date(2026, 12, 31), dt.date(2027, 2, 1), True),
    ],
)
def test_too_early(d0: dt.date, transition: dt.date, early: bool) -> None:
    assert too_early(d0, transition) is early
    assert plan(d0, transition).too_early is early


def test_late_transition_keeps_end_anchored() -> None:
    d0 = dt.date(2026, 3, 1)
    on_time = plan(d0, dt.date(2026, 3, 1))
    late = plan(d0, dt.date(2026, 5, 20))
    assert is_late_transition(dt.date(2026, 5, 20), d0)
    assert not is_late_transition(dt.date(2026, 3, 1), d0)
    assert late.late_transition and not on_time.late_transition
    assert late.end == on_time.end == dt.date(2026, 12, 1)


# -- properties -------------------------------------------------------------------------------


@given(dates, dates, st.sampled_from([6, 9]))
def test_plan_anchored_and_ordered(d0: dt.date, transition: dt.date, months: int) -> None:
    s = plan(d0, transition, course_months=months)
    third = months // 3
    assert s.end == oracle_add_months(d0, months)
    assert s.phase2 == oracle_add_months(d0, third)
    assert s.phase3 == oracle_add_months(d0, 2 * third)
    assert d0 < s.phase2 < s.phase3 < s.end
    assert s.phase3 < s.handover_by < s.end
    assert [s.phase_at(x) for x in (d0, s.phase2, s.phase3, s.end)] == [
        "phase1",
        "phase2",
        "phase3",
        "closed",
    ]


@given(dates)
def test_default_course_is_nine_months(d0: dt.date) -> None:
    assert plan(d0, d0).end == add_months(d0, 9)
    assert plan(d0, d0).course_months == 9


@given(dates, dates)
def test_too_early_iff_before_earliest(d0: dt.date, transition: dt.date) -> None:
    assert too_early(d0, transition) == (d0 < oracle_add_months(transition, -1))
