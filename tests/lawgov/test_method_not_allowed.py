"""A GET on an address that only takes a form's POST: our Chinese 405 page (not Chromium's "HTTP ERROR 405"),
the way back, the status kept; the API keeps its JSON error; a signed-out GET /logout/ goes to the login page."""

import pytest
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("debug", [False, True])
def test_get_on_a_post_only_page_shows_the_chinese_405_page(client, legal_officer, unit, debug):
    client.force_login(legal_officer)
    with override_settings(DEBUG=debug):
        response = client.get(reverse("unit-retire", args=[unit.pk]))
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    body = response.content.decode()
    assert "此地址只用于提交表单" in body
    assert '<a href="/">返回首页</a>' in body
    unit.refresh_from_db()
    assert unit.deleted_at is None


def test_the_way_back_is_the_referer_of_this_site_only(client, legal_officer):
    client.force_login(legal_officer)
    url = reverse("tasks:urge-units")
    same = client.get(url, HTTP_REFERER="http://testserver/tasks/?status=overdue")
    assert same.status_code == 405
    assert 'href="http://testserver/tasks/?status=overdue"' in same.content.decode()
    other = client.get(url, HTTP_REFERER="https://evil.example/phish")
    assert other.status_code == 405
    assert "evil.example" not in other.content.decode()
    assert '<a href="/">返回首页</a>' in other.content.decode()


def test_logout_by_get(client, reporter):
    # Signed out (the session ended, the tab stayed on the address): the login page.
    response = client.get(reverse("logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    # Signed in: the 405 page; still signed in (退出 is a POST, from the menu).
    client.force_login(reporter)
    response = client.get(reverse("logout"))
    assert response.status_code == 405
    assert "此地址只用于提交表单" in response.content.decode()
    assert "_auth_user_id" in client.session


def test_the_api_keeps_its_json_405(client, legal_officer, unit):
    client.force_login(legal_officer)
    response = client.patch(f"/api/v1/units/{unit.pk}/", {"name": "x"}, content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert "此地址只用于提交表单" not in response.content.decode()
