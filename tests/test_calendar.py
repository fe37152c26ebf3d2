"""`cti calendar`: the .ics file read by `icalendar` and by an independent reader (`ics`),
against `cti due`, across the summer-time change, and stable from run to run."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, date, datetime
from pathlib import Path

import ics
import pytest
from casefiles import minimal_case
from conftest import Runner
from icalendar import Calendar

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
DAY = "2026-11-26"


@pytest.fixture
def team(tmp_path: Path) -> Path:
    """A copy of the example team (its `.cti/` memory is the test's own)."""
    root = tmp_path / "examples"
    shutil.copytree(EXAMPLES, root, ignore=shutil.ignore_patterns(".cti"))
    return root


def read(path: Path) -> Calendar:
    return Calendar.from_ical(path.read_bytes())


def events(path: Path) -> dict[str, object]:
    return {str(e["UID"]): e for e in read(path).walk("VEVENT")}


def test_anna_has_every_deadline_cti_due_knows_and_her_appointments(
        cti: Runner, team: Path, tmp_path: Path) -> None:
    out = tmp_path / "anna.ics"
    result = cti("-C", team, "calendar", "--worker", "anna", "--date", DAY, "--out", out)
    assert result.code == 0, result.output
    assert result.out == ""
    due = json.loads(cti("-C", team, "due", "--worker", "anna", "--date", DAY, "--within",
                         "366", "--json").out)
    deadlines = {(i["case"], i["kind"], i["due"]) for i in due
                 if i["kind"] not in ("appointment", "no_contact", "caseload")}
    assert {k for _, k, _ in deadlines} >= {"phase_end", "documentation", "handover_meeting",
                                            "checklist"}
    cal = read(out)
    found = set()
    timed = []
    for event in cal.walk("VEVENT"):
        kind = event["CATEGORIES"].cats[0]
        start = event.decoded("DTSTART")
        case = str(event["SUMMARY"]).split()[0]
        if kind == "appointment":
            timed.append((case, start))
        else:
            assert type(start) is date, event["SUMMARY"]  # all day
            assert event.decoded("DTEND") == date.fromordinal(start.toordinal() + 1)
            assert event["TRANSP"] == "TRANSPARENT"
            found.add((case, kind, start.isoformat()))
    assert found == deadlines
    # Anna's cases' appointments from the day on, as wall-clock time in Copenhagen.
    assert [(c, s.strftime("%Y-%m-%d %H:%M %Z")) for c, s in sorted(timed)] == [
        ("2026-006", "2026-12-08 10:00 CET"), ("2026-018", "2026-11-30 11:30 CET"),
        ("2026-018", "2026-12-04 10:00 CET")]
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    # Bo's and Sara's cases are not in Anna's calendar.
    assert all(str(e["SUMMARY"]).startswith(("2026-006 PJ", "2026-018 JT"))
               for e in cal.walk("VEVENT"))


def test_a_second_reader_sees_the_same_events(cti: Runner, team: Path, tmp_path: Path) -> None:
    """The `ics` package parses with its own grammar (TatSu), not with icalendar."""
    out = tmp_path / "anna.ics"
    assert cti("-C", team, "calendar", "--worker", "anna", "--date", DAY, "--out", out).code == 0
    theirs = ics.Calendar(out.read_text("utf-8"))
    ours = events(out)
    assert {e.uid for e in theirs.events} == set(ours)
    for event in theirs.events:
        mine = ours[event.uid]
        assert event.name == str(mine["SUMMARY"])  # type: ignore[index]
        if event.all_day:
            assert event.begin.date() == mine.decoded("DTSTART")  # type: ignore[attr-defined]
        else:
            assert event.begin.datetime == mine.decoded("DTSTART")  # type: ignore[attr-defined]
    meeting = next(e for e in theirs.events if e.name == "2026-006 PJ: aftale")
    assert meeting.begin.to("UTC").datetime == datetime(2026, 12, 8, 9, 0, tzinfo=UTC)
    assert meeting.duration.total_seconds() == 3600


SUMMER = """\
- name: phase1
  start: 2027-01-04
appointments:
- {date: 2027-03-26, time: "10:00"}
- {date: 2027-03-29, time: "10:00"}
- {date: 2027-10-29, time: "10:00"}
- {date: 2027-11-01, time: "10:00"}
- {date: 2027-04-02}
"""


def test_times_are_copenhagen_time_across_the_summer_time_change(
        cti: Runner, plain_folder: Path, tmp_path: Path) -> None:
    (plain_folder / "cases" / "2027-001.yaml").write_text(
        minimal_case("2027-001", transition="2027-01-05", start="2026-12-20") + SUMMER, "utf-8")
    out = tmp_path / "dst.ics"
    result = cti("-C", plain_folder, "calendar", "--date", "2027-03-01", "--out", out)
    assert result.code == 0, result.output
    expected_utc = [datetime(2027, 3, 26, 9, tzinfo=UTC), datetime(2027, 3, 29, 8, tzinfo=UTC),
                    datetime(2027, 10, 29, 8, tzinfo=UTC), datetime(2027, 11, 1, 9, tzinfo=UTC)]
    mine = sorted(e.decoded("DTSTART").astimezone(UTC) for e in read(out).walk("VEVENT")
                  if isinstance(e.decoded("DTSTART"), datetime))
    assert mine == expected_utc
    theirs = sorted(e.begin.to("UTC").datetime for e in ics.Calendar(out.read_text("utf-8")).events
                    if not e.all_day and "aftale" in e.name)
    assert theirs == expected_utc
    # The file's own VTIMEZONE holds both changes of 2027.
    text = out.read_text("utf-8")
    assert "20270328T030000" in text and "20271031T030000" in text
    # An appointment without a time is an all-day event.
    allday = [e for e in read(out).walk("VEVENT") if e.decoded("DTSTART") == date(2027, 4, 2)]
    assert len(allday) == 1 and str(allday[0]["CATEGORIES"].cats[0]) == "appointment"


def test_uids_hold_between_runs_and_a_moved_event_gets_a_new_sequence(
        cti: Runner, team: Path, tmp_path: Path) -> None:
    first, second, third = (tmp_path / f"run{n}.ics" for n in (1, 2, 3))
    args = ("-C", team, "calendar", "--worker", "anna", "--date", DAY, "--out")
    assert cti(*args, first).code == 0
    assert cti(*args, second).code == 0
    assert first.read_bytes() == second.read_bytes()  # nothing changed: nothing to re-sync
    before = events(first)
    assert all(int(e["SEQUENCE"]) == 0 for e in before.values())  # type: ignore[index]

    # Move phase 1 of 2026-018 a week later and Anna's 2026-12-04 meeting to 14:00.
    path = team / "cases" / "2026-018.yaml"
    text = path.read_text("utf-8")
    phase1 = "- name: phase1\n  start: 2026-10-26\n"
    assert phase1 in text and 'time: "10:00"' in text
    path.write_text(text.replace(phase1, phase1.replace("10-26", "11-02"))
                    .replace('time: "10:00"', 'time: "14:00"'), "utf-8")
    assert cti(*args, third).code == 0
    after = events(third)
    assert set(after) == set(before)  # same events, same UIDs: an update, not a duplicate
    moved = {uid for uid in after
             if after[uid].decoded("DTSTART") != before[uid].decoded("DTSTART")}  # type: ignore[attr-defined]
    assert moved and all(str(before[u]["SUMMARY"]).startswith("2026-018") for u in moved)  # type: ignore[index]
    for uid, event in after.items():
        was = before[uid]
        if uid in moved:
            assert int(event["SEQUENCE"]) == 1  # type: ignore[index]
            assert event.decoded("LAST-MODIFIED") >= was.decoded("LAST-MODIFIED")  # type: ignore[attr-defined]
        else:
            assert int(event["SEQUENCE"]) == int(was["SEQUENCE"])  # type: ignore[index]
    meeting = [after[u] for u in moved if "aftale" in str(after[u]["SUMMARY"])]  # type: ignore[index]
    assert [m.decoded("DTSTART").strftime("%d %H:%M") for m in meeting] == ["04 14:00"]  # type: ignore[attr-defined]


def test_no_names_notes_or_places_unless_the_team_turns_them_on(
        cti: Runner, team: Path, tmp_path: Path) -> None:
    out = tmp_path / "anna.ics"
    assert cti("-C", team, "calendar", "--worker", "anna", "--date", DAY, "--out", out).code == 0
    text = out.read_text("utf-8").replace("\r\n ", "")
    for private in ("Sofie", "Jonas", "Hjemme hos", "Jobcentret", "jobkonsulent", "LOCATION"):
        assert private not in text
    toml = team / "cti.toml"
    toml.write_text(toml.read_text("utf-8") + "\n[calendar]\npersonal_details = true\n", "utf-8")
    assert cti("-C", team, "calendar", "--worker", "anna", "--date", DAY, "--out", out).code == 0
    cal = read(out)
    places = {str(e["LOCATION"]) for e in cal.walk("VEVENT") if "LOCATION" in e}
    assert places == {"Hjemme hos PJ", "Hjemme hos Jonas", "Jobcentret"}
    assert any("Jonas" in str(e["SUMMARY"]) for e in cal.walk("VEVENT"))


def test_printed_without_out_and_user_mistakes(cti: Runner, team: Path, tmp_path: Path) -> None:
    result = cti("-C", team, "calendar", "--date", DAY, "--within", "7")
    assert result.code == 0, result.output
    cal = Calendar.from_ical(result.out)
    days = {e.decoded("DTSTART") for e in cal.walk("VEVENT")}
    assert days and all(str(d)[:10] <= "2026-12-03" for d in days)
    bad = cti("-C", team, "calendar", "--worker", "nobody")
    assert bad.code == 2 and "'nobody'" in bad.err and "cti.toml" in bad.err
    folder = cti("-C", team, "calendar", "--out", tmp_path)
    assert folder.code == 2 and "Traceback" not in folder.output
    missing = cti("-C", team, "calendar", "--out", tmp_path / "no" / "such" / "x.ics")
    assert missing.code == 1 and "x.ics" in missing.err and "Traceback" not in missing.err
