"""Issue 14's done-when: the 大兴 opinion (43 tasks, no unit printed) goes from upload to the 分工 of
fixtures/division/daxing_2022.json with the plan tree's bulk panel, in fewer than 15 page actions, in
Chromium at 1024 px; then the database is compared with the fixture.

A page action is what makes the browser wait for the server: a page load (a navigation the person starts;
the page a redirect leads to is part of the action that caused it) or a form submission. Typing into the
unit picker (its search requests), ticking boxes and the notification bell's polling are not page actions.
The test counts them with a request listener.
"""

import json
from collections import defaultdict
from pathlib import Path

import pytest

from lawgov.models import Role, Unit, UnitKind
from plans.models import Assignment, Plan
from plans.services import plan_import_bytes
from tests.browser.test_login import login
from tests.conftest import PASSWORD, make_user
from tests.plans.conftest import SEEDS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURE = json.loads(
    (Path(__file__).resolve().parents[2] / "fixtures" / "division" / "daxing_2022.json").read_text(encoding="utf-8")
)
MAX_ACTIONS = 15


@pytest.fixture
def daxing_officer():
    """大兴区 with the directory of the fixture (departments, party organs, the court, townships, groups)."""
    city = Unit.objects.create(name=FIXTURE["city"], kind=UnitKind.CITY)
    district = Unit.objects.create(name=FIXTURE["jurisdiction"], kind=UnitKind.DISTRICT, parent=city)
    for entry in FIXTURE["directory"]:
        Unit.objects.create(
            name=entry["name"],
            short_name=entry["short_name"],
            aliases=entry["aliases"],
            kind=entry["kind"],
            group_kinds=entry.get("group_kinds", []),
            jurisdiction=district,
            parent=district,
        )
    return make_user("fzb_daxing", Role.LEGAL_OFFICE, jurisdiction=district, display_name="大兴区司法局 法治科")


def count_actions(page, actions: list[str]) -> None:
    def on_request(request) -> None:
        if request.is_navigation_request() and request.frame == page.main_frame:
            if request.redirected_from is None:
                actions.append(f"{request.method} {request.url}")
        elif request.resource_type in ("xhr", "fetch") and request.method != "GET":
            actions.append(f"{request.method} {request.url}")

    page.on("request", on_request)


def pick(page, role: str, unit: dict) -> None:
    """Type what a person types for this unit into the role's picker and take the unit, which must come first."""
    picker = page.locator(f"[data-unit-picker][data-name={role}]")
    picker.locator("[data-picker-input]").fill(unit["typed"])
    first = picker.locator("[data-picker-results] [role=option]").first
    first.wait_for()
    assert first.get_attribute("data-unit-name") == unit["name"], (unit["typed"], first.inner_text())
    unit_id = first.get_attribute("data-unit-id")
    first.click()
    assert picker.locator(f".chip[data-unit-id='{unit_id}']").inner_text().startswith(unit["name"])


def test_daxing_gets_its_division_in_fewer_than_15_page_actions(page, live_server, daxing_officer, tmp_path):
    actions: list[str] = []
    count_actions(page, actions)
    directory = {entry["name"]: entry for entry in FIXTURE["directory"]}

    login(page, live_server, "fzb_daxing", PASSWORD)
    page.wait_for_selector("[data-role]")
    page.goto(f"{live_server.url}/plans/import/")
    page.set_input_files("input[type=file]", str(SEEDS / FIXTURE["seed"]))
    page.click("#upload-form button[type=submit]")
    page.wait_for_selector("[data-preview-count]")
    assert page.locator("[data-preview-count]").inner_text() == "43 项任务"
    page.click("#confirm-form button[type=submit]")
    page.wait_for_selector("[data-visible-tasks]")
    plan = Plan.objects.get(title=FIXTURE["plan_title"])
    path_of = dict(plan.tasks.values_list("number", "path"))
    section_of = dict(plan.tasks.values_list("number", "section__pk"))
    page.screenshot(path=str(tmp_path / "plan-before.png"), full_page=False)

    # One submission per combination of lead, cooperating units and deadline in the fixture's table.
    groups: dict[tuple, list[str]] = defaultdict(list)
    for task in FIXTURE["tasks"]:
        groups[(tuple(task["lead"]), tuple(task["cooperating"]), task["deadline"])].append(task["number"])
    for (leads, cooperating, deadline), numbers in groups.items():
        by_section = defaultdict(list)
        for number in numbers:
            by_section[section_of[number]].append(number)
        for section_pk, mine in by_section.items():
            whole = [n for n, s in section_of.items() if s == section_pk]
            if len(whole) == len(mine) and len(mine) > 1:  # a whole (一): tick its heading
                page.check(f"#s-{section_pk} [data-select-section]")
            else:
                for number in mine:
                    page.check(f'.task[data-task-path="{path_of[number]}"] [data-task-check]')
        assert page.locator("[data-selected-count]").inner_text() == f"已选 {len(numbers)} 项任务"
        for name in leads:
            pick(page, "lead", directory[name])
        for name in cooperating:
            pick(page, "cooperating", directory[name])
        page.fill("[data-deadline-input]", deadline)
        if len(groups) and numbers == groups[next(iter(groups))]:
            page.screenshot(path=str(tmp_path / "bulk-panel.png"), full_page=False)
        with page.expect_navigation():
            page.click("[data-bulk-apply]")
        assert f"指定为 {len(numbers)} 项任务的牵头单位" in page.locator(".messages").inner_text()

    page.screenshot(path=str(tmp_path / "plan-after.png"), full_page=True)
    assert page.locator(".badge.warn", has_text="待分配").count() == 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
    assert len(actions) < MAX_ACTIONS, actions
    print(f"\n大兴 分工: {len(actions)} page actions for {len(FIXTURE['tasks'])} tasks, {len(groups)} bulk requests")

    # The database holds the fixture's 分工, task by task.
    assert plan.tasks.count() == len(FIXTURE["tasks"]) == 43
    expected_deadlines = FIXTURE["deadlines"]
    for entry in FIXTURE["tasks"]:
        task = plan.tasks.get(number=entry["number"])
        parts = defaultdict(set)
        for name, role in Assignment.objects.active().filter(clause__task=task).values_list("unit__name", "role"):
            parts[role].add(name)
        assert dict(parts) == {"lead": set(entry["lead"]), "cooperating": set(entry["cooperating"])}, entry["number"]
        want = expected_deadlines[entry["deadline"]]
        got = [(d.text, d.due_on.isoformat() if d.due_on else None, d.recurrence) for d in task.deadlines.all()]
        assert got == [(want["text"], want["due_on"], want["recurrence"])], entry["number"]
        assert task.heading == entry["heading"]
    leads = {name for entry in FIXTURE["tasks"] for name in entry["lead"]}
    assert len(leads) >= 8


def test_a_heading_is_fixed_in_place_and_a_refusal_keeps_the_choices(page, live_server, daxing_officer, tmp_path):
    plan = plan_import_bytes(
        data=(SEEDS / FIXTURE["seed"]).read_bytes(),
        filename=FIXTURE["seed"],
        jurisdiction=daxing_officer.jurisdiction,
        by=daxing_officer,
    ).plan
    task = plan.tasks.get(number="16")
    login(page, live_server, "fzb_daxing", PASSWORD)
    page.wait_for_selector("[data-role]")
    page.goto(f"{live_server.url}/plans/{plan.pk}/?unassigned=1")
    row = page.locator(f'.task[data-task-path="{task.path}"]')
    row.locator("[data-task-edit-open]").click()
    row.locator("input[name=heading]").fill("   ")  # passes the browser's required, not the server
    row.locator("button[type=submit]").click()
    assert row.locator("[role=alert]").inner_text() == "任务标题不能为空。"
    row.locator("input[name=heading]").fill("提高突发事件依法处置能力(修订)")
    row.locator("button[type=submit]").click()
    assert "已保存" in row.locator("[data-task-head]").inner_text()
    assert row.locator("[data-task-heading]").inner_text() == "提高突发事件依法处置能力(修订)"
    task.refresh_from_db()
    assert task.heading == "提高突发事件依法处置能力(修订)" and task.history.count() == 2

    # The same unit as lead and cooperating: refused, nothing saved, the ticks and the picks still there.
    row.locator("[data-task-check]").check()
    justice = next(u for u in FIXTURE["directory"] if u["name"] == "区司法局")
    pick(page, "lead", justice)
    pick(page, "cooperating", justice)
    page.fill("[data-deadline-input]", "每年12月底前")
    with page.expect_navigation():
        page.click("[data-bulk-apply]")
    assert "区司法局被同时选为两种分工" in page.locator("[data-bulk-error]").inner_text()
    assert page.locator(f'.task[data-task-path="{task.path}"] [data-task-check]').is_checked()
    assert page.locator("[data-unit-picker][data-name=lead] .chip").inner_text().startswith("区司法局")
    assert page.input_value("[data-deadline-input]") == "每年12月底前"
    page.screenshot(path=str(tmp_path / "refused.png"), full_page=False)
    assert not Assignment.objects.filter(clause__task__plan=plan).exists()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1024
