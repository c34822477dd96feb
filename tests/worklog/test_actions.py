"""What a person may do to a work-log entry: the buttons a page shows are exactly the POSTs that are carried out.

For each state of an entry (draft, submitted, countersigned), each place (a village studio, a township
station) and each role, every action is tried on a fresh entry in that state: shown ⇔ done. An action
not shown is refused: 403 when it is never this person's to take, else the entry stays as it was.
"""

import re
from datetime import date, time

import pytest
from freezegun import freeze_time

from gongfa.db import db
from gongfa.duty import generation as duty
from gongfa.duty.models import ExtraKind
from gongfa.org import services as org
from gongfa.worklog import services
from gongfa.worklog.models import Amendment, Category, EntryStatus, Mode, Referral, WorkLogEntry

NOW = "2026-11-23 15:00:00+08:00"
TODAY = date(2026, 11, 23)
ACTIONS = ("edit", "countersign", "amend")


def _write(world, place: str, state: str, *, session=None, starts_at=time(10, 0), token=None) -> WorkLogEntry:
    entry, _ = services.create_entry(
        lawyer=world.users["lawyer"], point=org.point_of(world.units[place]), session=session, form_token=token,
        submit=state != "draft", today=TODAY, served_on=TODAY, starts_at=starts_at, ends_at=time(12, 0),
        place="", persons="王秀兰", mode=Mode.ON_SITE, category=Category.CONSULTATION, content="宅基地纠纷咨询",
        result="已解答", referral=Referral.NONE)
    if state == "countersigned":
        signer = "officer" if place == "V1" else "head"
        services.countersign([entry], actor=world.users[signer])
    return entry


def _buttons(html: str, entry_id: int) -> set[str]:
    """The actions a page offers on one entry: the edit and countersign links and the amend form."""
    shown = set()
    if f'href="/log/{entry_id}/edit"' in html:
        shown.add("edit")
    if re.search(rf'<a[^>]+href="/log/{entry_id}/countersign"', html):  # to its confirmation page
        shown.add("countersign")
    if re.search(rf'<form[^>]+action="/log/{entry_id}/amend"', html):
        shown.add("amend")
    return shown


def _try(client, action: str, entry: WorkLogEntry) -> tuple[int, bool]:
    """POST one action; (status, whether it was carried out)."""
    if action == "edit":
        data = {"point_id": entry.point_id, "served_on": "2026-11-23", "starts_at": "10:00", "ends_at": "12:00",
                "place": "", "persons": "王秀兰", "mode": "phone", "category": "consultation",
                "content": "改过的内容", "result": "", "referral": "none", "version": entry.version,
                "submit": "提交"}
        response = client.post(f"/log/{entry.id}/edit", data=data)
        db.session.expire_all()
        return response.status_code, db.session.get(WorkLogEntry, entry.id).content == "改过的内容"
    if action == "countersign":
        was = entry.status
        response = client.post(f"/log/{entry.id}/countersign", data={"confirm": "1", "version": entry.version})
        db.session.expire_all()
        now = db.session.get(WorkLogEntry, entry.id).status
        return response.status_code, was != now == EntryStatus.COUNTERSIGNED
    response = client.post(f"/log/{entry.id}/amend",
                           data={"field": "result", "new_value": "已解答，并转交调解", "reason": "补记"})
    return response.status_code, db.session.scalar(
        db.select(db.func.count(Amendment.id)).where(Amendment.entry_id == entry.id)) == 1


# What each role is offered, per place and state (the page and the POSTs must agree, and agree with this).
OFFERED = {
    # A village's entries: its officer countersigns; the station head and the inspector only read.
    ("V1", "lawyer"): {"draft": {"edit"}, "submitted": {"edit"}, "countersigned": {"amend"}},
    ("V1", "officer"): {"draft": set(), "submitted": {"countersign"}, "countersigned": {"amend"}},
    ("V1", "head"): {"draft": set(), "submitted": set(), "countersigned": set()},
    ("V1", "inspector"): {"draft": set(), "submitted": set(), "countersigned": set()},
    # A station's entries: its head countersigns; a village officer does not even see them.
    ("T1", "lawyer"): {"draft": {"edit"}, "submitted": {"edit"}, "countersigned": {"amend"}},
    ("T1", "head"): {"draft": set(), "submitted": {"countersign"}, "countersigned": {"amend"}},
    ("T1", "officer"): {"draft": None, "submitted": None, "countersigned": None},  # None: the page is 403
}


@freeze_time(NOW)
@pytest.mark.parametrize("state", ["draft", "submitted", "countersigned"])
@pytest.mark.parametrize(("place", "role"), list(OFFERED))
def test_the_buttons_on_an_entry_are_exactly_the_actions_carried_out(world, client, auth, place, role, state):
    entries = {action: _write(world, place, state) for action in ACTIONS}
    db.session.commit()
    auth.login(role)
    expected = OFFERED[(place, role)][state]
    for action, entry in entries.items():
        page = client.get(f"/log/{entry.id}")
        if expected is None:
            assert page.status_code == 403
            shown = set()
        else:
            assert page.status_code == 200
            shown = _buttons(page.text, entry.id)
        status, done = _try(client, action, entry)
        assert (action in shown) == done, f"{action}: shown {action in shown}, carried out {done} ({status})"
        assert (action in shown) == (action in (expected or set()))
        if not done:  # refused: never theirs (403), or not in this state (a message, the entry unchanged)
            assert status in (403, 303, 422)


@freeze_time(NOW)
@pytest.mark.parametrize(("role", "signs"), [("officer", "V1"), ("head", "T1")])
def test_countersigning_a_whole_visit_is_offered_to_whoever_may_sign_any_of_its_entries(world, client, auth, role,
                                                                                       signs):
    """One Wednesday at the station: an entry for the station, a later one for a village's resident."""
    visit = duty.add_extra_session(point=org.point_of(world.units["T1"]), extra_kind=ExtraKind.EVENING, on=TODAY,
                                   starts_at=time(9, 0), ends_at=time(13, 0), lawyer=world.users["lawyer"],
                                   place="", actor=world.users["head"])
    db.session.flush()
    at_station = _write(world, "T1", "submitted", session=visit, starts_at=time(9, 0))
    for_village = _write(world, "V1", "submitted", session=visit, starts_at=time(11, 0))
    db.session.commit()
    auth.login(role)
    index = client.get("/log/").text
    shown = re.search(rf'<a[^>]+href="/log/sessions/{visit.id}/countersign"', index) is not None
    ask = client.get(f"/log/sessions/{visit.id}/countersign").text
    seen = re.search(r'name="seen" type="hidden" value="([^"]*)"', ask).group(1)
    response = client.post(f"/log/sessions/{visit.id}/countersign", data={"confirm": "1", "seen": seen})
    assert response.status_code == 303
    db.session.expire_all()
    signed = {key for key, e in (("T1", at_station), ("V1", for_village))
              if db.session.get(WorkLogEntry, e.id).status == EntryStatus.COUNTERSIGNED}
    assert signed == {signs}  # each signs only the entries of their own place
    assert shown  # and the button that does it was on the page
