"""修改密码 in the site's own Chinese: 您, not Django's 你; a sentence, not "密码跟 用户名 太相似了"."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _change(reporter, **data):
    client = Client()
    client.force_login(reporter)
    return client.post(reverse("password_change"), data).content.decode()


def test_a_wrong_current_password_is_told_with_nin(reporter):
    html = _change(reporter, old_password="not-it-1234", new_password1="Qz8#river-4471", new_password2="Qz8#river-4471")
    assert "您输入的旧密码不正确" in html
    assert "你的旧密码不正确" not in html
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)


def test_a_password_like_the_username_is_told_in_a_sentence(reporter):
    html = _change(reporter, old_password=PASSWORD, new_password1="reporter99", new_password2="reporter99")
    assert "新密码与您的用户名太相似" in html
    assert "密码跟" not in html
    reporter.refresh_from_db()
    assert reporter.check_password(PASSWORD)
