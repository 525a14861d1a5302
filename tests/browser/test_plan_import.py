"""The legal office uploads a plan in Chromium, checks the preview and confirms it; a bad file is refused."""

import pytest

from lawgov.services import demo_seed
from plans.models import Plan
from tests.browser.test_login import login
from tests.plans.conftest import NANHAI, SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_accounts():
    return demo_seed(password="demo-pass-1234")


def test_upload_preview_confirm_in_chromium(page, live_server, demo_accounts, tmp_path):
    login(page, live_server, "fzb_panyu", "demo-pass-1234")
    page.click("nav [data-nav='plans:list']")
    page.click("text=导入规划文件")
    # A bad file first: the page says what is wrong and nothing is saved.
    bad = tmp_path / "photo.docx"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    page.set_input_files("input[type=file]", str(bad))
    page.click("#upload-form button[type=submit]")
    assert "不是有效的Word文档" in page.locator("[role=alert]").inner_text()
    assert not Plan.objects.exists()

    page.set_input_files("input[type=file]", str(SEEDS / NANHAI))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("[data-preview-count]")
    assert page.locator("[data-preview-count]").inner_text() == "23 项任务"
    assert page.locator("[data-preview-task]").count() == 23
    page.screenshot(path=str(tmp_path / "preview.png"), full_page=True)
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("[data-visible-tasks]")
    assert "23 项" in page.locator("[data-visible-tasks]").inner_text()
    assert page.locator("[data-task-path]").count() == 23
    assert "新建规划" in page.locator(".messages").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    assert Plan.objects.get().tasks.count() == 23
