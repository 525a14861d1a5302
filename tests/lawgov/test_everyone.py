"""Issue 16, "Everyone": 修改密码 and the first-login change, 使用说明 per role, the print stylesheet, Chinese
404/500 pages with DEBUG on, the header's 管理 group."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from lawgov.help import HELP_ROLES, SHOTS
from lawgov.models import Role, User
from lawgov.services import api_token_issue, demo_seed
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Qiang-mima-2026!"


@pytest.fixture
def newcomer(unit, district) -> User:
    """An account the legal office created with an initial password."""
    return make_user("xinren", Role.REPORTER, unit=unit, jurisdiction=district, must_change_password=True)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- the header ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["legal_officer", "reporter", "leader"])
def test_every_page_header_links_password_change_and_help(request, who):
    client = signed_in(request.getfixturevalue(who))
    for url in (reverse("home"), reverse("units"), reverse("password_change"), reverse("help")):
        response = client.get(url, follow=True)
        html = response.content.decode()
        assert f'href="{reverse("password_change")}"' in html and ">修改密码<" in html, url
        assert f'href="{reverse("help")}"' in html and ">使用说明<" in html, url
        assert 'media="print"' in html and "lawgov/print.css" in html
    assert finders.find("lawgov/print.css")


def test_legal_office_admin_pages_sit_under_one_manage_menu(client, legal_officer, reporter):
    client.force_login(legal_officer)
    html = client.get(reverse("home")).content.decode()
    group = re.search(r'<details class="nav-group" data-dropdown>(.*?)</details>', html, re.S)
    assert group and "<summary>管理</summary>" in group.group(1)
    assert 'data-nav="api-clients"' in group.group(1) and 'data-nav="login-unlock"' in group.group(1)
    client.force_login(reporter)
    html = client.get(reverse("home")).content.decode()
    assert "<summary>管理</summary>" not in html and 'data-nav="api-clients"' not in html
    # Everyone has their own menu under the role's name, with 修改密码.
    assert re.search(r"data-user-menu>单位填报员</summary>.*?data-password-link>修改密码", html, re.S)


def test_a_leaders_menu_has_no_workbench_item(client, leader):
    """A leader's home page is the 驾驶舱 (issue 16), so the menu does not offer the 工作台 too."""
    client.force_login(leader)
    html = client.get(reverse("dashboard")).content.decode()
    assert 'data-nav="dashboard"' in html and 'data-nav="home"' not in html


# --- 修改密码 ----------------------------------------------------------------------------------------------


def test_password_change_keeps_the_session_and_the_new_password_works(reporter):
    client = signed_in(reporter)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302 and response["Location"] == reverse("password_change_done")
    reporter.refresh_from_db()
    assert reporter.check_password(NEW_PASSWORD)
    assert client.get(reverse("home")).status_code == 200  # still signed in (session hash updated)
    assert "密码已修改" in client.get(reverse("password_change_done")).content.decode()


@pytest.mark.parametrize(
    ("new", "reason"),
    [
        ("12345", "密码太短"),  # MinimumLengthValidator
        ("83920174650", "密码只包含数字"),  # NumericPasswordValidator
        ("password123", "太常见"),  # CommonPasswordValidator
        ("reporter99", "相似"),  # UserAttributeSimilarityValidator (the username)
        (PASSWORD, "不能与当前密码相同"),  # ours: an initial password must not be kept
    ],
)
def test_a_refused_password_says_why_in_chinese_and_changes_nothing(reporter, new, reason):
    client = signed_in(reporter)
    # Even a browser asking for English gets Chinese: zh-hans is the only language.
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert reason in html
    assert 'class="errorlist"' in html
    assert "This password" not in html and "too short" not in html
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


def test_wrong_old_password_is_refused_in_chinese(reporter):
    response = signed_in(reporter).post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert "旧密码不正确" in response.content.decode()
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


def test_mismatched_confirmation_is_refused_in_chinese(reporter):
    response = signed_in(reporter).post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"},
    )
    assert "两个密码不一致" in response.content.decode()


def test_password_change_needs_a_sign_in(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- first login -----------------------------------------------------------------------------------------


def test_a_flagged_account_is_kept_on_the_change_page_until_it_changes(newcomer):
    client = Client()
    response = client.post(reverse("login"), {"username": "xinren", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("password_change"))
    assert "初始密码" in response.content.decode()
    for url in (reverse("home"), reverse("tasks:list"), reverse("units"), "/admin/"):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"] == f"{reverse('password_change')}?next={url}", url
    # Help and leaving stay open; the session's API calls get the API's error body.
    assert client.get(reverse("help"), follow=True).status_code == 200
    # The bell's htmx request gets nothing to swap (not the change page nested in the header).
    assert client.get(reverse("tasks:bell"), HTTP_HX_REQUEST="true").status_code == 204
    api = client.get("/api/v1/tasks/")
    assert api.status_code == 403 and api.json()["error"]["code"] == "password_change_required"

    response = client.post(
        f"{reverse('password_change')}?next=/tasks/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD, "next": "/tasks/"},
    )
    assert response.status_code == 302 and response["Location"] == "/tasks/"
    newcomer.refresh_from_db()
    assert newcomer.must_change_password is False
    assert client.get(reverse("home")).status_code == 200


def test_next_outside_the_site_is_ignored(newcomer):
    client = signed_in(newcomer)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
            "next": "https://evil.example/",
        },
    )
    assert response["Location"] == reverse("password_change_done")


def test_api_token_of_a_flagged_account_still_works(api_client_user):
    api_client_user.must_change_password = True
    api_client_user.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue(user=api_client_user).key}")
    assert api.get("/api/v1/tasks/").status_code == 200


def test_demo_accounts_are_not_flagged(db):
    result = demo_seed(password="demo-pass-1234")
    assert result.accounts
    assert not User.objects.filter(pk__in=[a.pk for a in result.accounts], must_change_password=True).exists()


@pytest.fixture
def superuser(district) -> User:
    return User.objects.create_superuser("root", password=PASSWORD, role=Role.LEGAL_OFFICE, jurisdiction=district)


def test_an_account_created_by_an_administrator_must_change_its_password(superuser):
    client = signed_in(superuser)
    response = client.post(
        reverse("admin:lawgov_user_add"),
        {"username": "zhangsan", "usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="zhangsan").must_change_password is True


def test_a_password_reset_by_an_administrator_must_be_changed(superuser, reporter):
    client = signed_in(superuser)
    response = client.post(
        reverse("admin:auth_user_password_change", args=[reporter.pk]),
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reporter.refresh_from_db()
    assert reporter.must_change_password is True and reporter.check_password(NEW_PASSWORD)


# --- 使用说明 ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "role"), [("legal_officer", "legal_office"), ("reporter", "reporter"), ("leader", "leader")]
)
def test_help_link_opens_the_readers_own_role(request, who, role):
    client = signed_in(request.getfixturevalue(who))
    response = client.get(reverse("help"))
    assert response.status_code == 302 and response["Location"] == reverse("help-role", args=[role])


@pytest.mark.parametrize("role", list(HELP_ROLES))
def test_each_help_page_answers_and_every_link_and_image_on_it_exists(reporter, role):
    client = signed_in(reporter)
    response = client.get(reverse("help-role", args=[role]))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"使用说明 · {HELP_ROLES[role]}" in html
    main = html[html.index("<main") :]
    images = re.findall(r'<img src="([^"]+)"', main)
    assert len(images) == len(SHOTS[role]) > 0
    for src in images:
        assert src.startswith("/static/") and finders.find(src.removeprefix("/static/")), src
    for href in set(re.findall(r'href="(/[^"]*)"', main)):
        assert client.get(href, follow=True).status_code == 200, href


def test_unknown_help_role_is_404(reporter):
    assert signed_in(reporter).get("/help/nobody/").status_code == 404


def test_every_screenshot_is_committed(db):
    for shots in SHOTS.values():
        for shot in shots:
            path = finders.find(shot.static_path)
            assert path, shot.static_path
            with open(path, "rb") as png:
                assert png.read(8) == b"\x89PNG\r\n\x1a\n"


# --- 404/500 with DEBUG on (make run) ----------------------------------------------------------------------


@override_settings(DEBUG=True)
@pytest.mark.urls("tests.lawgov.crash_urls")
def test_with_debug_on_people_still_see_our_chinese_error_pages(reporter, unit):
    client = signed_in(reporter)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "页面不存在" in missing.content.decode()
    assert "Page not found" not in missing.content.decode()
    # A view's own 404 (a unit that does not exist) as well.
    gone = client.get(reverse("unit-detail", args=[999999]))
    assert gone.status_code == 404 and "页面不存在" in gone.content.decode()
    crashed = Client(raise_request_exception=False)
    crashed.force_login(reporter)
    response = crashed.get("/crash/")
    assert response.status_code == 500 and "服务器出错" in response.content.decode()
    assert "Traceback" not in response.content.decode()
    # The API keeps its JSON bodies; a missing slash is still redirected (APPEND_SLASH sees the 404).
    assert client.get("/api/v1/nothing-here/").json()["error"]["code"] == "not_found"
    assert crashed.get("/api/v1/crash/").json()["error"]["code"] == "server_error"
    assert client.get("/units")["Location"] == "/units/"


@override_settings(DEBUG=True, LAWGOV_DEBUG_ERROR_PAGES=True)
@pytest.mark.urls("tests.lawgov.crash_urls")
def test_developers_can_ask_for_the_debug_pages(reporter):
    client = signed_in(reporter)
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404 and "Using the URLconf" in missing.content.decode()
    with pytest.raises(RuntimeError):
        client.get("/crash/")


@override_settings(DEBUG=False)
@pytest.mark.urls("tests.lawgov.crash_urls")
def test_without_debug_the_handlers_answer_in_chinese(reporter):
    client = Client(raise_request_exception=False)
    client.force_login(reporter)
    assert "页面不存在" in client.get("/no-such-page/").content.decode()
    assert "服务器出错" in client.get("/crash/").content.decode()
