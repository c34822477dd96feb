"""The booking list, form and receipt say where to go in the resident's language (issue 12 point 3)."""

import re

from freezegun import freeze_time

from gongfa.db import db
from gongfa.org import services as org
from tests.signup.conftest import NOW, WEDNESDAY, session_at

V1 = "652701100001"
UG = {"Accept-Language": "ug-CN"}
STATION_UG = "شياۋيىڭپەن بازارلىق ھۆكۈمەت قورۇسى"
STUDIO_UG = "يىڭپەن مەھەللە ئاھالىلەر كومىتېتى"


def _addresses(world) -> None:
    station, studio = org.point_of(world.units["T1"]), org.point_of(world.units["V1"])
    station.address, station.address_ug = "小营盘镇人民政府院内", STATION_UG
    studio.address, studio.address_ug = "营盘社区居委会", STUDIO_UG
    db.session.commit()


@freeze_time(NOW)
def test_list_form_and_receipt_show_the_address_of_the_place_in_uyghur(cal, client):
    _addresses(cal)
    listing = client.get(f"/v/{V1}/book", headers=UG).text
    assert STATION_UG in listing and STUDIO_UG in listing  # Wednesdays at the station, the monthly visit
    assert "人民政府院内" not in listing and "居委会" not in listing
    s = session_at(cal, "T1", WEDNESDAY)
    page = client.get(f"/book/{s.id}?v={V1}", headers=UG)
    assert STATION_UG in page.text
    token = re.search(r'name="form_token" type="hidden" value="([^"]+)"', page.text).group(1)
    done = client.post(f"/book/{s.id}?v={V1}", headers=UG, data={
        "slot": "10:00", "name": "ئايگۈل", "phone": "13912340077", "village_id": "", "language": "ug",
        "kind": "consultation", "description": "يەر توختامى", "form_token": token})
    assert done.status_code == 303
    receipt = client.get(done.headers["Location"], headers=UG).text
    assert STATION_UG in receipt


@freeze_time(NOW)
def test_an_untranslated_address_on_the_receipt_is_the_chinese_marked(cal, client):
    _addresses(cal)
    station = org.point_of(cal.units["T1"])
    station.address_ug = ""
    db.session.commit()
    listing = client.get(f"/v/{V1}/book", headers=UG).text
    assert '<bdi lang="zh-Hans" dir="ltr">小营盘镇人民政府院内</bdi> <small class="untranslated">' in listing


@freeze_time(NOW)
def test_the_lawyers_calendar_feed_gives_the_address_in_the_calendars_language(cal, client, auth):
    from icalendar import Calendar

    _addresses(cal)
    auth.login("lawyer")
    client.post("/duty/feed")
    page = client.get("/duty/feed").text
    url = page.split('<code dir="ltr">')[1].split("</code>")[0].replace("http://localhost", "")
    feed = Calendar.from_ical(client.get(url, headers=UG).data)
    locations = {str(e.get("location")) for e in feed.walk("VEVENT")}
    assert STATION_UG in locations and "小营盘镇人民政府院内" not in locations


def test_the_unit_page_shows_the_address_in_the_staff_members_language(world, client, auth):
    _addresses(world)
    auth.login("county")
    page = client.get(f"/org/units/{world.units['T1'].id}", headers=UG).text
    assert STATION_UG in page
