"""A forged Host header never reaches paper: the notice's QR address and the ledgers' verification URL."""

import pytest

from gongfa import create_app
from tests.conftest import TEST_CONFIG
from tests.web.test_pdf import pdftotext

NOTICE = "/v/652701100001/notice.pdf"
EVIL = "evil.example"


def _volume_url(world) -> str:
    return f"/ledger/villages/{world.units['V1'].id}/volume.pdf?year=2026&quarter=4"


def _as_host(client, host: str) -> None:
    """Carry the logged-in session cookie to requests made under another Host (the test client scopes cookies)."""
    cookie = client.get_cookie("gongfa_session")
    client.set_cookie("gongfa_session", cookie.value, domain=host)


@pytest.mark.parametrize("app_config", [{"TESTING": False}])  # served as is: no PUBLIC_BASE_URL, no TRUSTED_HOSTS
def test_a_server_left_unconfigured_refuses_a_forged_host(world, client, auth):
    assert auth.login("officer").status_code == 303  # loopback names are answered
    notice = client.get(NOTICE, headers={"Host": EVIL})
    assert notice.status_code == 400
    assert EVIL.encode() not in notice.data
    _as_host(client, EVIL)
    volume = client.get(_volume_url(world), base_url=f"http://{EVIL}")
    assert volume.status_code == 400
    assert EVIL.encode() not in volume.data
    # The same requests under the server's own name print it.
    assert "http://localhost/v/652701100001" in pdftotext(client.get(NOTICE).data)
    assert "http://localhost/verify/" in pdftotext(client.get(_volume_url(world)).data)


@pytest.mark.parametrize("app_config", [{"TESTING": False, "PUBLIC_BASE_URL": "https://gongfa.example.cn/"}])
def test_with_a_public_address_only_that_host_and_loopback_are_answered(world, client):
    assert client.get(NOTICE, headers={"Host": EVIL}).status_code == 400
    assert client.get(NOTICE, headers={"Host": "gongfa.example.cn"}).status_code == 200
    text = pdftotext(client.get(NOTICE).data)  # localhost: a health check on the box itself
    assert "https://gongfa.example.cn/v/652701100001" in text


@pytest.mark.parametrize("app_config", [{"PUBLIC_BASE_URL": "https://gongfa.example.cn",
                                         "TRUSTED_HOSTS": "gongfa.example.cn, localhost, .example"}])
def test_an_admitted_host_still_prints_the_public_address(world, client, auth):
    """Even where a broad TRUSTED_HOSTS lets evil.example in, paper carries PUBLIC_BASE_URL."""
    notice = client.get(NOTICE, headers={"Host": EVIL})
    assert notice.status_code == 200
    text = pdftotext(notice.data)
    assert "https://gongfa.example.cn/v/652701100001" in text and EVIL not in text
    auth.login("officer")
    _as_host(client, EVIL)
    volume = client.get(_volume_url(world), base_url=f"http://{EVIL}")
    assert volume.status_code == 200
    text = pdftotext(volume.data)
    assert "https://gongfa.example.cn/verify/" in text and EVIL not in text


@pytest.mark.parametrize("base", ["gongfa.example.cn", "ftp://gongfa.example.cn", "https://gongfa.example.cn/v/1"])
def test_a_public_address_that_is_not_a_scheme_and_host_stops_the_app(base):
    with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
        create_app({**TEST_CONFIG, "PUBLIC_BASE_URL": base})


def test_tests_answer_any_host_and_print_it(world, client):
    """In tests (TESTING) nothing is restricted, so the suite's own requests keep working."""
    assert "http://station.lan/v/652701100001" in pdftotext(client.get(NOTICE, headers={"Host": "station.lan"}).data)
