"""Issue 18: login throttling (lawgov.login_throttle). 250 wrong passwords at 7 a second used to go through
with the right one still working, on /login/ and /admin/login/ alike. Now: after LAWGOV_LOGIN_MAX_FAILURES
failures for one account from one address, 429 with "登录失败次数过多,请稍后再试" — also for the right password —
until the window passes or the legal office unlocks it; an address spraying many accounts is stopped too;
failures are logged; a cache that is down lets logins through."""

import contextlib

import pytest
from django.core.cache import cache
from django.urls import reverse

from lawgov.models import Role
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
WRONG = "not-the-password"


@pytest.fixture(autouse=True)
def fresh_cache(settings):
    settings.LAWGOV_LOGIN_MAX_FAILURES = 5
    cache.clear()
    yield
    with contextlib.suppress(Exception):  # the last test points the cache at a Redis that is down
        cache.clear()


def login(client, username, password, address="10.0.0.1", url="/login/"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_the_right_password_is_refused_with_429_after_five_failures(client, reporter, caplog):
    with caplog.at_level("WARNING", logger="lawgov.login_throttle"):
        codes = [login(client, "reporter", WRONG).status_code for _ in range(5)]
    assert codes == [200] * 5  # the form again, with its error
    assert caplog.text.count("failed login for account 'reporter' from 10.0.0.1") == 5
    response = login(client, "reporter", PASSWORD)
    assert response.status_code == 429 and not signed_in(client)
    assert "登录失败次数过多,请稍后再试" in response.content.decode()
    assert int(response["Retry-After"]) == 15 * 60
    # The same account from another address is not locked (a colleague at the next desk is not punished).
    assert login(client, "reporter", PASSWORD, address="10.0.0.2").status_code == 302 and signed_in(client)


def test_the_admin_login_counts_the_same_way(client, district):
    make_user("root", Role.LEGAL_OFFICE, jurisdiction=district, is_staff=True, is_superuser=True)
    for _ in range(5):
        assert login(client, "root", WRONG, url="/admin/login/").status_code == 200
    response = login(client, "root", PASSWORD, url="/admin/login/")
    assert response.status_code == 429 and "登录失败次数过多" in response.content.decode()


def test_a_success_clears_the_count(client, reporter):
    for _ in range(4):
        login(client, "reporter", WRONG)
    assert login(client, "reporter", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "reporter", WRONG).status_code == 200
    assert login(client, "reporter", PASSWORD).status_code == 302


def test_an_address_spraying_many_accounts_is_stopped(client, reporter):
    for n in range(20):  # four times the per-account limit, over twenty accounts (existing or not)
        assert login(client, f"guess{n}", WRONG).status_code == 200
    assert login(client, "reporter", PASSWORD).status_code == 429
    assert login(client, "reporter", PASSWORD, address="10.0.0.9").status_code == 302


def test_the_legal_office_unlocks_an_account_of_its_jurisdiction(client, reporter, legal_officer, outsider_officer):
    for _ in range(5):
        login(client, "reporter", WRONG)
    assert login(client, "reporter", PASSWORD).status_code == 429
    client.force_login(outsider_officer)
    refused = client.post(reverse("login-unlock"), {"username": "reporter"})
    assert refused.status_code == 400 and "本辖区没有账号" in refused.content.decode()
    client.logout()
    assert login(client, "reporter", PASSWORD).status_code == 429
    client.force_login(legal_officer)
    done = client.post(reverse("login-unlock"), {"username": "reporter"}, follow=True)
    assert done.status_code == 200 and "已解锁" in done.content.decode()
    client.logout()
    assert login(client, "reporter", PASSWORD).status_code == 302 and signed_in(client)


def test_only_the_legal_office_may_unlock(client, reporter, leader):
    client.force_login(leader)
    assert client.post(reverse("login-unlock"), {"username": "reporter"}).status_code == 403


def test_a_cache_that_is_down_lets_logins_through(client, reporter, settings, caplog):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    with caplog.at_level("WARNING", logger="lawgov.login_throttle"):
        assert login(client, "reporter", WRONG).status_code == 200
        assert login(client, "reporter", PASSWORD).status_code == 302 and signed_in(client)
    assert "cache unavailable" in caplog.text
