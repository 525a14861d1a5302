"""使用说明 tells each role about the header's search box and where 修改密码 now sits (the menu under the role)."""

import re

import pytest
from django.urls import reverse

from lawgov.help import HELP_ROLES

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", list(HELP_ROLES))
def test_help_mentions_search_and_the_role_menu(client, reporter, role):
    client.force_login(reporter)
    html = client.get(reverse("help-role", args=[role])).content.decode()
    search = re.search(r'data-help="search">(.*?)</p>', html, re.S).group(1)
    assert "<strong>搜索</strong>" in search
    for kind in ("任务", "进展", "单位", "佐证", "规划", "有权查看"):
        assert kind in search
    password = re.search(r'data-help="password">(.*?)</p>', html, re.S).group(1)
    assert "角色名称" in password and "<strong>修改密码</strong>" in password
