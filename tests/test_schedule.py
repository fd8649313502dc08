"""Tests for network meeting schedules (Sitzungsrhythmus) and the iCalendar export."""

from __future__ import annotations

import datetime as dt
import itertools
import sys
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import cattrs
import pytest
from dateutil.rrule import rrulestr
from hypothesis import given
from hypothesis import strategies as st

from kommunale_integration._errors import InvalidValueError, KommunaleIntegrationError
from kommunale_integration._periods import ReportPeriod
from kommunale_integration._schedule import (
    MeetingSchedule,
    MissingExtraError,
    MovedMeeting,
    PlannedMeetingStatus,
    meeting_status,
    planned_meetings,
    to_ics,
    write_ics,
)

# These tests read the English message ids; German is checked in test_messages.py.
pytestmark = pytest.mark.usefixtures("english_messages")

icalendar = pytest.importorskip("icalendar")

D = dt.date
QUARTERLY = "FREQ=MONTHLY;INTERVAL=3;BYDAY=TU;BYSETPOS=2"
STAMP = dt.datetime(2026, 1, 1, 8, 0, tzinfo=dt.UTC)
Y2026 = ReportPeriod.year(2026)


def quarterly(**kwargs: Any) -> MeetingSchedule:
    return MeetingSchedule(rrule=QUARTERLY, dtstart=D(2026, 1, 1), **kwargs)


# --------------------------------------------------------------------------- the rule


def test_second_tuesday_of_every_third_month_in_2026() -> None:
    # Worked out by hand. INTERVAL=3 counted from dtstart (January): Jan, Apr, Jul, Oct.
    # 1 Jan 2026 is a Thursday -> Tuesdays 6, 13 -> 13 January.
    # 1 Apr 2026 is a Wednesday -> Tuesdays 7, 14 -> 14 April.
    # 1 Jul 2026 is a Wednesday -> Tuesdays 7, 14 -> 14 July.
    # 1 Oct 2026 is a Thursday -> Tuesdays 6, 13 -> 13 October.
    expected = [D(2026, 1, 13), D(2026, 4, 14), D(2026, 7, 14), D(2026, 10, 13)]
    assert planned_meetings(quarterly(), Y2026) == expected
    assert all(day.weekday() == 1 for day in expected)


def test_the_rule_continues_into_the_next_year() -> None:
    # 1 Jan 2027 Friday -> 5, 12; 1 Apr Thursday -> 6, 13; 1 Jul Thursday -> 6, 13;
    # 1 Oct Friday -> 5, 12.
    expected = [D(2027, 1, 12), D(2027, 4, 13), D(2027, 7, 13), D(2027, 10, 12)]
    assert planned_meetings(quarterly(), ReportPeriod.year(2027)) == expected


@pytest.mark.parametrize(
    ("period", "expected"),
    [
        ("2026-Q2", [D(2026, 4, 14)]),
        ("2026-05", []),
        ("2026-W29", [D(2026, 7, 14)]),
        ("SJ2025/26", [D(2026, 1, 13), D(2026, 4, 14), D(2026, 7, 14)]),
        ("2025", []),  # before dtstart
        ("2026-01-13/2026-01-13", [D(2026, 1, 13)]),
    ],
)
def test_planned_meetings_within_a_period(period: str, expected: list[D]) -> None:
    assert planned_meetings(quarterly(), ReportPeriod.parse(period)) == expected


def test_rrule_prefix_and_whitespace_are_removed() -> None:
    schedule = MeetingSchedule(rrule=f"  RRULE:{QUARTERLY}\n", dtstart=D(2026, 1, 1))
    assert schedule.rrule == QUARTERLY
    assert schedule == quarterly()


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ("FREQ=FOO", "FREQ"),
        ("BYDAY=TU", "FREQ is required"),
        ("", "single RRULE"),
        ("garbage", "FREQ is required"),
        ("FREQ=MONTHLY;BYDAY=XX", "BYDAY"),
        ("FREQ=HOURLY", "finer than DAILY"),
        ("FREQ=DAILY;BYHOUR=10", "without times"),
        ("FREQ=DAILY;UNTIL=20261231T000000Z", "UNTIL must be a date"),
        ("DTSTART:20260101\nRRULE:FREQ=DAILY", "single RRULE"),
        ("FREQ=DAILY\nEXDATE:20260102", "single RRULE"),
    ],
)
def test_invalid_rule_names_the_field_and_the_rule(rule: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason) as info:
        MeetingSchedule(rrule=rule, dtstart=D(2026, 1, 1))
    assert info.value.field == "rrule"
    assert str(info.value).startswith("rrule: ")
    assert repr(rule.strip()) in str(info.value) or not rule.strip()
    assert isinstance(info.value, KommunaleIntegrationError)


def test_rule_must_be_a_string_and_dtstart_a_date() -> None:
    with pytest.raises(InvalidValueError, match="rrule"):
        MeetingSchedule(rrule=None, dtstart=D(2026, 1, 1))
    with pytest.raises(InvalidValueError, match="dtstart"):
        MeetingSchedule(rrule=QUARTERLY, dtstart=dt.datetime(2026, 1, 1))


# The RFC 5545 ranges of the numbers in a rule (section 3.3.10), written here apart from
# the parser: part -> (lowest, highest absolute value, may be negative).
RFC5545_NUMBERS = {
    "INTERVAL": (1, 2**31 - 1, False),
    "COUNT": (1, 2**31 - 1, False),
    "BYSETPOS": (1, 366, True),
    "BYMONTHDAY": (1, 31, True),
    "BYYEARDAY": (1, 366, True),
    "BYWEEKNO": (1, 53, True),
    "BYMONTH": (1, 12, False),
}


# The frequencies RFC 5545 allows a part with (the others: every frequency).
RFC5545_FREQUENCIES = {
    "BYWEEKNO": ("YEARLY",),
    "BYYEARDAY": ("YEARLY",),
    "BYMONTHDAY": ("DAILY", "MONTHLY", "YEARLY"),
}


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        # INTERVAL=0 never advances: dateutil looped for ever on it (the report hung)
        ("FREQ=DAILY;INTERVAL=0", "INTERVAL must be a whole number from 1"),
        ("FREQ=MONTHLY;INTERVAL=0;BYDAY=WE;BYSETPOS=1", "INTERVAL must be"),
        ("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL must be"),
        # beyond the signed 32-bit range the icalendar export failed (exit code 70)
        ("FREQ=DAILY;INTERVAL=999999999999999999", "INTERVAL must be"),
        ("FREQ=DAILY;INTERVAL=2147483648", "INTERVAL must be"),
        ("FREQ=DAILY;COUNT=0", "COUNT must be"),
        ("FREQ=DAILY;COUNT=-5", "COUNT must be"),
        ("FREQ=DAILY;COUNT=", "COUNT must be"),
        ("FREQ=MONTHLY;BYMONTHDAY=40", "BYMONTHDAY must be a whole number from 1 to 31 or"),
        ("FREQ=MONTHLY;BYMONTHDAY=0", "BYMONTHDAY must be"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,x", "BYMONTHDAY must be"),
        ("FREQ=YEARLY;BYYEARDAY=-367", "BYYEARDAY must be"),
        ("FREQ=YEARLY;BYWEEKNO=54", "BYWEEKNO must be"),
        ("FREQ=YEARLY;BYMONTH=13", "BYMONTH must be a whole number from 1 to 12"),
        ("FREQ=YEARLY;BYMONTH=-1", "BYMONTH must be"),
        ("FREQ=MONTHLY;BYDAY=WE;BYSETPOS=367", "BYSETPOS must be"),
        # a numbered weekday: dateutil dropped the number of a daily rule silently
        ("FREQ=DAILY;BYDAY=+2MO", "numbered weekday"),
        ("FREQ=WEEKLY;BYDAY=1FR", "numbered weekday"),
        ("FREQ=MONTHLY;BYDAY=6MO", "numbered weekday"),
        ("FREQ=MONTHLY;BYDAY=-6MO", "numbered weekday"),
        ("FREQ=YEARLY;BYDAY=54MO", "numbered weekday"),
        ("FREQ=YEARLY;BYWEEKNO=20;BYDAY=1MO", "numbered weekday"),
        ("FREQ=MONTHLY;BYDAY=MO,", "BYDAY must list weekdays"),
        # parts RFC 5545 forbids with the frequency, and positions beyond the days of
        # one interval: such rules never occur, and dateutil searched to the year 9999
        ("FREQ=MONTHLY;BYWEEKNO=20", "BYWEEKNO cannot be used with FREQ=MONTHLY"),
        ("FREQ=DAILY;BYYEARDAY=100", "BYYEARDAY cannot be used with FREQ=DAILY"),
        ("FREQ=WEEKLY;BYMONTHDAY=1", "BYMONTHDAY cannot be used with FREQ=WEEKLY"),
        (
            "FREQ=DAILY;BYSETPOS=2",
            "BYSETPOS=2 never matches: one interval of FREQ=DAILY holds at most 1 day(?!s)",
        ),
        ("FREQ=WEEKLY;BYDAY=MO;BYSETPOS=-8", "holds at most 7 days"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=32", "holds at most 31 days"),
    ],
)
def test_numbers_of_a_rule_outside_rfc_5545_are_refused(rule: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason) as info:
        MeetingSchedule(rrule=rule, dtstart=D(2026, 1, 1))
    assert info.value.field == "rrule"


@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;INTERVAL=2147483647;COUNT=2147483647",
        "FREQ=MONTHLY;BYMONTHDAY=31,-31;BYSETPOS=1,-31",
        "FREQ=YEARLY;BYDAY=MO;BYSETPOS=366,-366",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;BYSETPOS=-7",
        "FREQ=DAILY;BYMONTHDAY=1;BYSETPOS=1",
        "FREQ=YEARLY;BYYEARDAY=366,-1;BYWEEKNO=53,-53;BYMONTH=1,12",
        "FREQ=MONTHLY;BYDAY=5MO,-5FR,+1TU",
        "FREQ=YEARLY;BYDAY=53MO,-53SU",
        "FREQ=DAILY;INTERVAL=+2",
    ],
)
def test_numbers_at_the_ends_of_the_rfc_5545_ranges_are_accepted(rule: str) -> None:
    schedule = MeetingSchedule(rrule=rule, dtstart=D(2026, 1, 1))
    planned_meetings(schedule, Y2026)  # expands without error (and ends)


@given(
    st.sampled_from(sorted(RFC5545_NUMBERS)),
    st.one_of(st.integers(-(2**40), 2**40), st.integers(-400, 400)),
    st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]),
)
def test_a_rule_is_accepted_exactly_when_its_number_is_in_range(
    part: str, number: int, freq: str
) -> None:
    lowest, highest, signed = RFC5545_NUMBERS[part]
    in_range = lowest <= abs(number) <= highest and (number > 0 or signed)
    in_range = in_range and freq in RFC5545_FREQUENCIES.get(part, (freq,))
    if part == "BYSETPOS":  # at most the days of one interval: rules give days only
        in_range = in_range and abs(number) <= {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31}.get(
            freq, 366
        )
    rule = f"FREQ={freq};{part}={number}"
    try:
        schedule = MeetingSchedule(rrule=rule, dtstart=D(2026, 1, 1))
    except InvalidValueError:
        assert not in_range
        return
    assert in_range
    planned_meetings(schedule, ReportPeriod.containing(D(2026, 3, 1), "quarter"))
    icalendar.vRecur.from_ical(rule)  # and the iCalendar export can hold it


def test_until_as_a_date_ends_the_rule() -> None:
    schedule = MeetingSchedule(rrule=f"{QUARTERLY};UNTIL=20260630", dtstart=D(2026, 1, 1))
    assert planned_meetings(schedule, Y2026) == [D(2026, 1, 13), D(2026, 4, 14)]


# --------------------------------------------------------------------------- exceptions


def test_cancelled_and_moved_meetings() -> None:
    schedule = quarterly(
        exdates=(D(2026, 7, 14),),
        moved=(MovedMeeting(original=D(2026, 4, 14), new=D(2026, 4, 21)),),
    )
    assert planned_meetings(schedule, Y2026) == [D(2026, 1, 13), D(2026, 4, 21), D(2026, 10, 13)]


def test_meetings_moved_across_period_boundaries() -> None:
    schedule = quarterly(moved=(MovedMeeting(original=D(2026, 10, 13), new=D(2027, 1, 5)),))
    assert planned_meetings(schedule, ReportPeriod.parse("2026-Q4")) == []
    assert planned_meetings(schedule, ReportPeriod.parse("2027-Q1")) == [
        D(2027, 1, 5),
        D(2027, 1, 12),
    ]


def test_a_meeting_moved_onto_another_counts_once() -> None:
    schedule = quarterly(moved=(MovedMeeting(original=D(2026, 1, 13), new=D(2026, 4, 14)),))
    assert planned_meetings(schedule, ReportPeriod.parse("2026-H1")) == [D(2026, 4, 14)]


def test_exceptions_are_stored_sorted_and_unique() -> None:
    a = quarterly(exdates=[D(2026, 7, 14), D(2026, 1, 13), D(2026, 7, 14)])
    b = quarterly(exdates=(D(2026, 1, 13), D(2026, 7, 14)))
    assert a == b
    assert a.exdates == (D(2026, 1, 13), D(2026, 7, 14))
    assert hash(a) == hash(b)


@pytest.mark.parametrize(
    ("kwargs", "field", "reason"),
    [
        ({"exdates": (D(2026, 1, 14),)}, "exdates", "not a meeting date"),
        ({"exdates": (dt.datetime(2026, 1, 13),)}, "exdates", "expected a date"),
        (
            {"moved": (MovedMeeting(original=D(2026, 1, 14), new=D(2026, 1, 20)),)},
            "moved",
            "not a meeting date",
        ),
        (
            {
                "exdates": (D(2026, 1, 13),),
                "moved": (MovedMeeting(original=D(2026, 1, 13), new=D(2026, 1, 20)),),
            },
            "moved",
            "both cancelled and moved",
        ),
        (
            {
                "moved": (
                    MovedMeeting(original=D(2026, 1, 13), new=D(2026, 1, 20)),
                    MovedMeeting(original=D(2026, 1, 13), new=D(2026, 1, 27)),
                )
            },
            "moved",
            "moved twice",
        ),
        ({"moved": ((D(2026, 1, 13), D(2026, 1, 20)),)}, "moved", "MovedMeeting"),
    ],
)
def test_invalid_exceptions(kwargs: dict[str, Any], field: str, reason: str) -> None:
    with pytest.raises(InvalidValueError, match=reason) as info:
        quarterly(**kwargs)
    assert info.value.field == field


def test_moved_meeting_needs_dates() -> None:
    with pytest.raises(InvalidValueError, match="new"):
        MovedMeeting(original=D(2026, 1, 13), new="2026-01-20")  # type: ignore[arg-type]


def test_schedule_round_trips_through_cattrs() -> None:
    converter = cattrs.Converter()
    converter.register_unstructure_hook(D, D.isoformat)
    converter.register_structure_hook(D, lambda value, _: D.fromisoformat(value))
    schedule = quarterly(
        exdates=(D(2026, 7, 14),),
        moved=(MovedMeeting(original=D(2026, 4, 14), new=D(2026, 4, 21)),),
    )
    data = converter.unstructure(schedule)
    assert data == {
        "rrule": QUARTERLY,
        "dtstart": "2026-01-01",
        "exdates": ["2026-07-14"],
        "moved": [{"original": "2026-04-14", "new": "2026-04-21"}],
    }
    assert converter.structure(data, MeetingSchedule) == schedule


# --------------------------------------------------------------------------- properties

RULES = st.sampled_from(
    [
        QUARTERLY,
        "FREQ=WEEKLY;BYDAY=MO",
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        "FREQ=MONTHLY;BYDAY=-1FR",
        "FREQ=MONTHLY;BYMONTHDAY=31",
        "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29",
        "FREQ=DAILY;INTERVAL=10",
    ]
)
START_DATES = st.dates(min_value=D(2020, 1, 1), max_value=D(2027, 12, 31))
PERIODS = st.builds(ReportPeriod.containing, START_DATES, st.sampled_from(["year", "quarter"]))


@given(RULES, START_DATES, PERIODS)
def test_planned_meetings_are_the_rule_dates_in_the_period(
    rule: str, dtstart: D, period: ReportPeriod
) -> None:
    schedule = MeetingSchedule(rrule=rule, dtstart=dtstart)
    occurrences = rrulestr(rule, dtstart=dt.datetime.combine(dtstart, dt.time()))
    within = itertools.takewhile(lambda o: o.date() <= period.end, occurrences)
    expected = [o.date() for o in within if o.date() >= period.start]
    assert planned_meetings(schedule, period) == expected


@given(
    RULES,
    st.lists(st.dates(min_value=D(2025, 10, 1), max_value=D(2027, 3, 31)), max_size=25),
    st.dates(min_value=D(2025, 6, 1), max_value=D(2027, 6, 30)),
    st.integers(0, 10),
)
def test_meeting_status_invariants(rule: str, recorded: list[D], today: D, tolerance: int) -> None:
    schedule = MeetingSchedule(rrule=rule, dtstart=D(2025, 1, 1))
    statuses = meeting_status(schedule, recorded, Y2026, today, tolerance_days=tolerance)
    assert [s.planned for s in statuses] == planned_meetings(schedule, Y2026)
    matched = [s.recorded for s in statuses if s.recorded is not None]
    for recorded_day in set(matched):  # no recorded meeting is used twice
        assert matched.count(recorded_day) <= recorded.count(recorded_day)
    for status in statuses:
        assert status.held == (status.recorded is not None)
        assert status.overdue == (not status.held and status.planned < today)
        if status.recorded is not None:
            assert abs((status.recorded - status.planned).days) <= tolerance
        if status.planned in recorded:  # an exact match always wins
            assert status.recorded == status.planned


# --------------------------------------------------------------------------- meeting status


def test_meeting_status_matches_recorded_meetings() -> None:
    recorded = [
        D(2026, 1, 13),  # on the planned day
        D(2026, 4, 20),  # six days late: within the default tolerance of 7 days
        D(2026, 9, 1),  # not near any planned meeting
    ]
    statuses = meeting_status(quarterly(), recorded, Y2026, today=D(2026, 8, 1))
    assert statuses == [
        PlannedMeetingStatus(planned=D(2026, 1, 13), recorded=D(2026, 1, 13), overdue=False),
        PlannedMeetingStatus(planned=D(2026, 4, 14), recorded=D(2026, 4, 20), overdue=False),
        PlannedMeetingStatus(planned=D(2026, 7, 14), recorded=None, overdue=True),
        PlannedMeetingStatus(planned=D(2026, 10, 13), recorded=None, overdue=False),
    ]
    assert [s.held for s in statuses] == [True, True, False, False]


def test_meeting_status_tolerance() -> None:
    recorded = [D(2026, 1, 21)]  # eight days after 13 January
    assert not meeting_status(quarterly(), recorded, Y2026, D(2027, 1, 1))[0].held
    assert meeting_status(quarterly(), recorded, Y2026, D(2027, 1, 1), tolerance_days=8)[
        0
    ].recorded == D(2026, 1, 21)
    exact_only = meeting_status(
        quarterly(), [D(2026, 1, 14)], Y2026, D(2027, 1, 1), tolerance_days=0
    )
    assert not exact_only[0].held
    with pytest.raises(InvalidValueError, match="tolerance_days"):
        meeting_status(quarterly(), [], Y2026, D(2027, 1, 1), tolerance_days=-1)


def test_one_recorded_meeting_matches_one_planned_meeting() -> None:
    weekly = MeetingSchedule(rrule="FREQ=WEEKLY;BYDAY=MO", dtstart=D(2026, 1, 1))
    january = ReportPeriod.parse("2026-01")
    # planned Mondays 5, 12, 19, 26; one meeting recorded on Thursday 8 January,
    # 3 days after the 5th and 4 days before the 12th: it counts for the 5th only.
    statuses = meeting_status(weekly, [D(2026, 1, 8)], january, today=D(2026, 2, 1))
    assert [(s.planned.day, s.recorded) for s in statuses] == [
        (5, D(2026, 1, 8)),
        (12, None),
        (19, None),
        (26, None),
    ]
    assert [s.overdue for s in statuses] == [False, True, True, True]


def test_exact_match_wins_over_a_near_one() -> None:
    weekly = MeetingSchedule(rrule="FREQ=WEEKLY;BYDAY=MO", dtstart=D(2026, 1, 1))
    statuses = meeting_status(
        weekly, [D(2026, 1, 12), D(2026, 1, 13)], ReportPeriod.parse("2026-01"), D(2026, 2, 1)
    )
    by_day = {s.planned.day: s.recorded for s in statuses}
    assert by_day == {5: None, 12: D(2026, 1, 12), 19: D(2026, 1, 13), 26: None}


def test_a_recorded_meeting_closer_to_a_meeting_outside_the_period_is_not_claimed() -> None:
    weekly = MeetingSchedule(rrule="FREQ=WEEKLY;BYDAY=MO", dtstart=D(2026, 1, 1))
    # Friday 30 January is 3 days before Monday 2 February and 4 days after 26 January.
    statuses = meeting_status(
        weekly, [D(2026, 1, 30)], ReportPeriod.parse("2026-01"), D(2026, 3, 1)
    )
    assert not any(s.held for s in statuses)
    february = meeting_status(
        weekly, [D(2026, 1, 30)], ReportPeriod.parse("2026-02"), D(2026, 3, 1)
    )
    assert february[0].planned == D(2026, 2, 2)
    assert february[0].recorded == D(2026, 1, 30)


def test_meeting_status_counts_moved_meetings_on_their_new_day() -> None:
    schedule = quarterly(moved=(MovedMeeting(original=D(2026, 4, 14), new=D(2026, 5, 5)),))
    statuses = meeting_status(schedule, [D(2026, 5, 5)], Y2026, today=D(2026, 6, 1))
    assert [(s.planned, s.held, s.overdue) for s in statuses[:2]] == [
        (D(2026, 1, 13), False, True),
        (D(2026, 5, 5), True, False),
    ]


# --------------------------------------------------------------------------- iCalendar


def events_of(data: bytes) -> list[Any]:
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0"
    assert "PRODID" in calendar
    return list(calendar.walk("VEVENT"))


def test_ics_export_round_trips_through_icalendar() -> None:
    schedule = quarterly(moved=(MovedMeeting(original=D(2026, 4, 14), new=D(2026, 4, 21)),))
    data = to_ics(
        schedule,
        Y2026,
        network_id="runder-tisch-integration",
        summary="Runder Tisch Integration",
        location="Kreishaus Coesfeld",
        dtstamp=STAMP,
    )
    assert data.startswith(b"BEGIN:VCALENDAR\r\n")
    assert data.rstrip().endswith(b"END:VCALENDAR")
    events = events_of(data)
    starts = [event["DTSTART"].dt for event in events]
    assert starts == planned_meetings(schedule, Y2026)
    assert all(type(start) is D for start in starts)  # DATE values, no times
    assert [event["DTEND"].dt for event in events] == [s + dt.timedelta(days=1) for s in starts]
    assert [str(event["UID"]) for event in events] == [
        "runder-tisch-integration-20260113@kommunale-integration",
        "runder-tisch-integration-20260414@kommunale-integration",  # the moved one keeps its UID
        "runder-tisch-integration-20260714@kommunale-integration",
        "runder-tisch-integration-20261013@kommunale-integration",
    ]
    assert {str(event["SUMMARY"]) for event in events} == {"Runder Tisch Integration"}
    assert {str(event["LOCATION"]) for event in events} == {"Kreishaus Coesfeld"}
    assert {event["DTSTAMP"].dt for event in events} == {STAMP}
    # parsing and writing again gives the same file
    assert icalendar.Calendar.from_ical(data).to_ical() == data


def test_ics_uids_are_stable() -> None:
    first = to_ics(quarterly(), Y2026, network_id="ag", summary="AG", dtstamp=STAMP)
    again = to_ics(quarterly(), Y2026, network_id="ag", summary="AG", dtstamp=STAMP)
    assert first == again
    q3 = to_ics(
        quarterly(), ReportPeriod.parse("2026-Q3"), network_id="ag", summary="AG", dtstamp=STAMP
    )
    uids_year = {str(event["UID"]) for event in events_of(first)}
    assert {str(event["UID"]) for event in events_of(q3)} <= uids_year


def test_ics_cancelled_meetings() -> None:
    schedule = quarterly(exdates=(D(2026, 7, 14),))
    plain = events_of(to_ics(schedule, Y2026, network_id="ag", summary="AG", dtstamp=STAMP))
    assert D(2026, 7, 14) not in [event["DTSTART"].dt for event in plain]
    with_cancelled = events_of(
        to_ics(
            schedule, Y2026, network_id="ag", summary="AG", dtstamp=STAMP, include_cancelled=True
        )
    )
    cancelled = [event for event in with_cancelled if event.get("STATUS") == "CANCELLED"]
    assert [event["DTSTART"].dt for event in cancelled] == [D(2026, 7, 14)]
    assert str(cancelled[0]["UID"]) == "ag-20260714@kommunale-integration"


def test_ics_series_round_trips_to_the_same_meetings() -> None:
    schedule = quarterly(
        exdates=(D(2026, 7, 14),),
        moved=(MovedMeeting(original=D(2026, 4, 14), new=D(2026, 4, 21)),),
    )
    data = to_ics(schedule, network_id="ag", summary="AG", series=True, dtstamp=STAMP)
    events = events_of(data)
    main = [event for event in events if "RRULE" in event]
    overrides = [event for event in events if "RECURRENCE-ID" in event]
    assert len(main) == 1
    assert len(overrides) == 1
    assert len(events) == 2
    series = main[0]
    assert series["DTSTART"].dt == D(2026, 1, 13)  # the first meeting, in step with the rule
    assert {str(event["UID"]) for event in events} == {"ag-series@kommunale-integration"}
    # Expand the exported rule as a calendar program would.
    rule_text = series["RRULE"].to_ical().decode()
    start = dt.datetime.combine(series["DTSTART"].dt, dt.time())
    exdate = series["EXDATE"]
    excluded = {item.dt for item in exdate.dts}
    moved = {event["RECURRENCE-ID"].dt: event["DTSTART"].dt for event in overrides}
    expanded = sorted(
        moved.get(day, day)
        for day in (
            o.date()
            for o in rrulestr(rule_text, dtstart=start).between(
                start, dt.datetime(2027, 12, 31), inc=True
            )
        )
        if day not in excluded
    )
    assert expanded == planned_meetings(schedule, ReportPeriod.parse("2026-01-01/2027-12-31"))


@given(
    st.sampled_from(
        [
            QUARTERLY,
            f"{QUARTERLY};COUNT=5",
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
            "FREQ=WEEKLY;INTERVAL=3",
            "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31",
            "FREQ=YEARLY;BYMONTH=3,9;BYDAY=1MO",
        ]
    ),
    START_DATES,
)
def test_ics_series_starts_in_step_with_the_rule(rule: str, dtstart: D) -> None:
    # RFC 5545 always counts DTSTART as a meeting, dateutil does not: the export must
    # start on the first real meeting and keep INTERVAL and COUNT in step.
    schedule = MeetingSchedule(rrule=rule, dtstart=dtstart)
    events = events_of(to_ics(schedule, network_id="ag", summary="AG", series=True, dtstamp=STAMP))
    assert len(events) == 1
    start = dt.datetime.combine(events[0]["DTSTART"].dt, dt.time())
    exported = rrulestr(events[0]["RRULE"].to_ical().decode(), dtstart=start)
    span = ReportPeriod.interval(dtstart, dtstart + dt.timedelta(days=3 * 366))
    expanded = [
        o.date()
        for o in exported.between(start, dt.datetime.combine(span.end, dt.time()), inc=True)
    ]
    assert expanded[0] == start.date()  # DTSTART is itself a meeting
    assert expanded == planned_meetings(schedule, span)


def test_ics_argument_errors() -> None:
    with pytest.raises(InvalidValueError, match="period"):
        to_ics(quarterly(), network_id="ag", summary="AG")
    with pytest.raises(InvalidValueError, match="period"):
        to_ics(quarterly(), Y2026, network_id="ag", summary="AG", series=True)
    with pytest.raises(InvalidValueError, match="dtstamp"):
        to_ics(quarterly(), Y2026, network_id="ag", summary="AG", dtstamp=dt.datetime(2026, 1, 1))
    with pytest.raises(InvalidValueError, match="network_id"):
        to_ics(quarterly(), Y2026, network_id=" ", summary="AG")


def test_ics_default_dtstamp_is_now_in_utc() -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    events = events_of(to_ics(quarterly(), Y2026, network_id="ag", summary="AG"))
    after = dt.datetime.now(dt.UTC)
    assert all(before <= event["DTSTAMP"].dt <= after for event in events)


def test_write_ics(tmp_path: Path) -> None:
    target = write_ics(
        quarterly(), tmp_path / "ag.ics", Y2026, network_id="ag", summary="AG", dtstamp=STAMP
    )
    assert target == tmp_path / "ag.ics"
    assert target.read_bytes() == to_ics(
        quarterly(), Y2026, network_id="ag", summary="AG", dtstamp=STAMP
    )


# Texts a calendar must carry exactly: iCalendar's escapes (backslash, ``;``, ``,``,
# ``\N``), line breaks, controls, right-to-left and long texts that are folded at 75
# octets (inside a multi-byte character or an escape), and the private-use characters
# that to_ics uses as placeholders in its cached templates.
ICS_TEXT = st.text(
    alphabet=st.sampled_from(
        list("aN\\;,: -@\n\r\t\x00\x0b\x85\u2028\ue000\ue001\ue002\ue003äßعربیتግ\U0001f600")
    ),
    max_size=120,
)


def directly(schedule: MeetingSchedule, period: ReportPeriod | None, **kwargs: Any) -> bytes:
    """What icalendar writes for the export when the calendar is built for it alone
    (to_ics fills a cached template instead)."""
    from kommunale_integration import _schedule

    texts = _schedule._IcsTexts(
        network_id=_schedule._one_line(kwargs["network_id"]),
        summary=_schedule._one_line(kwargs["summary"]),
        description=_schedule._multi_line(kwargs["description"]) if kwargs["description"] else None,
        location=_schedule._one_line(kwargs["location"]) if kwargs["location"] else None,
    )
    start = kwargs["start_time"]
    form = _schedule._IcsForm(
        schedule=schedule,
        period=period,
        series=kwargs["series"],
        include_cancelled=kwargs["include_cancelled"],
        dtstamp=STAMP,
        uid_domain=_schedule._one_line(kwargs["uid_domain"]),
        start_time=start,
        end_time=kwargs["end_time"],
        zone=None if start is None else ZoneInfo("Europe/Berlin"),
        description=bool(texts.description),
        location=bool(texts.location),
    )
    calendar = _schedule._ics_calendar(icalendar, form, texts)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


@given(
    network_id=ICS_TEXT.filter(lambda t: t.strip()),
    summary=ICS_TEXT,
    description=st.none() | ICS_TEXT,
    location=st.none() | ICS_TEXT,
    uid_domain=st.sampled_from(["kommunale-integration", "kreis-coesfeld.de", "a,b;c\\N"]),
    series=st.booleans(),
    include_cancelled=st.booleans(),
    times=st.sampled_from([(None, None), (dt.time(16), dt.time(18)), (dt.time(9, 30), None)]),
    schedule=st.sampled_from(
        [
            quarterly(),
            quarterly(exdates=(D(2026, 7, 14),)),
            quarterly(moved=(MovedMeeting(original=D(2026, 4, 14), new=D(2026, 4, 21)),)),
            MeetingSchedule(rrule="FREQ=WEEKLY;BYDAY=TH;UNTIL=20260301", dtstart=D(2026, 1, 1)),
            MeetingSchedule(rrule="FREQ=WEEKLY;BYDAY=TH;UNTIL=20250301", dtstart=D(2026, 1, 1)),
        ]
    ),
)
def test_ics_from_a_template_is_what_icalendar_writes(
    schedule: MeetingSchedule, series: bool, times: tuple[Any, Any], **texts: Any
) -> None:
    # to_ics builds each form of calendar once and fills in the texts of each export:
    # the file must be byte for byte the one icalendar writes for that export alone.
    start, end = times
    period = None if series else Y2026
    kwargs = dict(texts, series=series, start_time=start, end_time=end, dtstamp=STAMP)
    data = to_ics(schedule, period, **kwargs)
    assert data == directly(schedule, period, **kwargs)
    events_of(data)  # and icalendar reads it


@pytest.mark.parametrize("octets", range(60, 82))
def test_ics_long_lines_are_folded_as_icalendar_folds_them(octets: int) -> None:
    # "SUMMARY:" and the text: around 75 octets a line is folded (also inside an escape
    # or a two-octet character); a shorter one must come out unchanged.
    size = octets - len("SUMMARY:")
    for summary in ("x" * size, "ä" * (size // 2), "x" + "ä" * (size // 2), "a;" * (size // 3)):
        kwargs = {
            "network_id": "a" * size,
            "summary": summary,
            "description": "d" * size,
            "location": summary,
            "uid_domain": "kommunale-integration",
            "series": True,
            "include_cancelled": False,
            "start_time": dt.time(16),
            "end_time": None,
            "dtstamp": STAMP,
        }
        assert to_ics(quarterly(), None, **kwargs) == directly(quarterly(), None, **kwargs)


def test_missing_icalendar_gives_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "icalendar", None)
    with pytest.raises(
        MissingExtraError, match=r"pip install 'kommunale-integration\[ics\]'"
    ) as info:
        to_ics(quarterly(), Y2026, network_id="ag", summary="AG")
    assert isinstance(info.value, ImportError)
    assert isinstance(info.value, KommunaleIntegrationError)


# --------------------------------------------------------------------------- the ends of the rules
# (each pinned by a mutation run of _schedule.py against this file, fifteenth session)


@pytest.mark.parametrize("rule", ["FREQ=DAILY\rBYDAY=MO", "FREQ=DAILY\nBYDAY=MO"])
def test_a_rule_with_a_line_break_inside_is_refused(rule: str) -> None:
    with pytest.raises(InvalidValueError, match="single RRULE"):
        MeetingSchedule(rrule=rule, dtstart=D(2026, 1, 1))


def test_a_numbered_weekday_counts_from_one() -> None:
    with pytest.raises(InvalidValueError, match="numbered weekday"):
        MeetingSchedule(rrule="FREQ=MONTHLY;BYDAY=0TU", dtstart=D(2026, 1, 1))
    assert MeetingSchedule(rrule="FREQ=MONTHLY;BYDAY=1TU", dtstart=D(2026, 1, 1))


def test_rule_dates_of_a_single_day_include_it() -> None:
    from kommunale_integration._schedule import rule_dates

    tuesday = D(2026, 1, 6)
    assert rule_dates("FREQ=WEEKLY;BYDAY=TU", D(2026, 1, 1), tuesday, tuesday) == [tuesday]
    assert rule_dates("FREQ=WEEKLY;BYDAY=TU", D(2026, 1, 1), tuesday, D(2026, 1, 5)) == []
    # both ends belong to the range
    assert rule_dates("FREQ=WEEKLY;BYDAY=TU", D(2026, 1, 1), tuesday, D(2026, 1, 13)) == [
        tuesday,
        D(2026, 1, 13),
    ]


def test_a_meeting_moved_onto_the_first_or_last_day_of_the_period_is_in_it() -> None:
    q2 = ReportPeriod.parse("2026-Q2")
    first = quarterly(moved=(MovedMeeting(original=D(2026, 4, 14), new=D(2026, 4, 1)),))
    last = quarterly(moved=(MovedMeeting(original=D(2026, 4, 14), new=D(2026, 6, 30)),))
    assert planned_meetings(first, q2) == [D(2026, 4, 1)]
    assert planned_meetings(last, q2) == [D(2026, 6, 30)]


def test_the_default_tolerance_is_seven_days() -> None:
    seven_late = meeting_status(quarterly(), [D(2026, 1, 20)], Y2026, D(2027, 1, 1))
    assert seven_late[0].recorded == D(2026, 1, 20)
    eight_late = meeting_status(quarterly(), [D(2026, 1, 21)], Y2026, D(2027, 1, 1))
    assert eight_late[0].recorded is None


@pytest.mark.parametrize("tolerance", [True, "7", 7.0])
def test_the_tolerance_must_be_a_whole_number(tolerance: Any) -> None:
    with pytest.raises(InvalidValueError, match="tolerance_days"):
        meeting_status(quarterly(), [], Y2026, D(2027, 1, 1), tolerance_days=tolerance)


def test_a_meeting_planned_on_today_is_not_yet_overdue() -> None:
    (january, *_) = meeting_status(quarterly(), [], Y2026, today=D(2026, 1, 13))
    assert january.planned == D(2026, 1, 13)
    assert not january.overdue
    (january, *_) = meeting_status(quarterly(), [], Y2026, today=D(2026, 1, 14))
    assert january.overdue


def test_meetings_up_to_twice_the_tolerance_before_the_period_take_part() -> None:
    """A meeting planned ten days before the period (more than the tolerance, less than
    twice it) claims a recorded meeting six days after it, before a meeting of the
    period that is as far from it and later."""
    weekly = MeetingSchedule(rrule="FREQ=DAILY;INTERVAL=12", dtstart=D(2026, 1, 22))
    # planned: 22 January (10 days before February), 3 February, 15 February …
    february = ReportPeriod.parse("2026-02")
    statuses = meeting_status(weekly, [D(2026, 1, 28)], february, D(2026, 3, 1))
    assert statuses[0].planned == D(2026, 2, 3)
    assert statuses[0].recorded is None  # 28 January went to 22 January (tie: earlier first)


def test_recorded_meetings_up_to_the_tolerance_before_the_window_take_part() -> None:
    """The planned meetings taking part reach twice the tolerance before the period,
    the recorded ones the tolerance further: one there keeps the outermost planned
    meeting from claiming a recorded meeting that a meeting of the period needs. (At
    the period's end no such case exists: on equal distances the earlier planned
    meeting, the one of the period, is matched first.)"""
    fortnightly = MeetingSchedule(rrule="FREQ=DAILY;INTERVAL=14", dtstart=D(2026, 2, 15))
    # March with tolerance 7: planned meetings from 15 February take part (15
    # February, 1 March …), recorded ones from 8 February; 22 February is 7 days from
    # both 15 February and 1 March
    statuses = meeting_status(
        fortnightly, [D(2026, 2, 8), D(2026, 2, 22)], ReportPeriod.parse("2026-03"), D(2026, 5, 1)
    )
    assert statuses[0].planned == D(2026, 3, 1)
    assert statuses[0].recorded == D(2026, 2, 22)


def test_a_timed_meeting_without_an_end_lasts_an_hour() -> None:
    data = to_ics(
        quarterly(), Y2026, network_id="ag", summary="AG", dtstamp=STAMP, start_time=dt.time(17)
    )
    for event in events_of(data):
        assert event["DTEND"].dt - event["DTSTART"].dt == dt.timedelta(hours=1)


@pytest.mark.parametrize(
    ("start", "end"), [(None, dt.time(18)), (dt.time(17), dt.time(17)), (dt.time(17), dt.time(16))]
)
def test_an_end_time_needs_an_earlier_start_time(start: dt.time | None, end: dt.time) -> None:
    with pytest.raises(InvalidValueError, match="end_time"):
        to_ics(
            quarterly(),
            Y2026,
            network_id="ag",
            summary="AG",
            dtstamp=STAMP,
            start_time=start,
            end_time=end,
        )


def test_write_ics_leaves_cancelled_meetings_out_by_default(tmp_path: Path) -> None:
    schedule = quarterly(exdates=(D(2026, 7, 14),))
    target = write_ics(schedule, tmp_path / "ag.ics", Y2026, network_id="ag", summary="AG")
    days = [event["DTSTART"].dt for event in events_of(target.read_bytes())]
    assert D(2026, 7, 14) not in days
    assert len(days) == 3
