"""Our messages beside a refused field (static/lawgov/app.js messageFor): a day is early or late, a number
small or large."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = """
const form = document.createElement("form");
form.action = "#";
form.innerHTML = '<label>日期<input type="date" name="day" min="2026-12-01" max="2026-12-31"></label>'
  + '<label>比例<input type="number" name="n" min="0" max="100"></label>'
  + '<button type="submit">提交</button>';
document.querySelector("main").appendChild(form);
form.noValidate = true;
"""


def _messages(page, day: str, n: str) -> list[str]:
    page.fill("input[name=day]", day)
    page.fill("input[name=n]", n)
    page.click("form[action='#'] button[type=submit]")
    return page.locator(".field-error").all_inner_texts()


def test_a_day_out_of_range_is_too_early_or_too_late(page, live_server):
    page.goto(f"{live_server.url}/login/")
    page.evaluate(FORM)
    assert _messages(page, "2026-11-20", "-5") == ["不能早于 2026-12-01。", "不能小于 0。"]
    assert _messages(page, "2027-01-05", "140") == ["不能晚于 2026-12-31。", "不能大于 100。"]
