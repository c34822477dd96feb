"""Every role reaches its home page; visitors see the directory."""

import pytest


@pytest.mark.parametrize("username", ["admin", "county", "inspector", "head", "officer", "lawyer", "mediator"])
def test_each_role_logs_in_to_its_home_page(world, auth, client, username):
    response = auth.login(username)
    assert response.status_code == 303
    page = client.get("/")
    assert page.status_code == 200
    assert world.users[username].full_name in page.text


def test_visitor_sees_directory_of_village_pages(world, client):
    page = client.get("/")
    assert page.status_code == 200
    assert "/v/652701100001" in page.text
