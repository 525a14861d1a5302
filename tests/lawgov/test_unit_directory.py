"""Issue 14, the unit directory: the legal office creates, edits, retires and merges units in the pages
(no /admin/); a merge keeps all history; a unit's page shows its work in a fixed number of queries."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from assessment.models import Submission
from assessment.services import default_participants
from lawgov.models import Role, Unit, UnitKind, User
from lawgov.services import UnitError, unit_merge, unit_merge_preview, unit_retire
from plans.forms import AssignmentForm
from plans.models import Assignment
from reports.models import Indicator, Statistic
from tasks.models import ProgressReport, ReportStatus
from tasks.selectors import silent_units
from tests.conftest import make_unit, make_user
from tests.factories import plan_factory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 20)


def unit_state() -> list[tuple]:
    """Everything a refused request must leave as it was."""
    return [
        list(Unit.objects.order_by("pk").values_list("pk", "name", "kind", "aliases", "deleted_at", "retired_at")),
        list(Assignment.objects.order_by("pk").values_list("pk", "unit_id", "role", "deleted_at")),
        list(ProgressReport.objects.order_by("pk").values_list("pk", "unit_id")),
        list(Submission.objects.order_by("pk").values_list("pk", "unit_id")),
        list(User.objects.order_by("pk").values_list("pk", "unit_id")),
    ]


# --- create and edit ---------------------------------------------------------------------------------------


def test_the_legal_office_creates_a_unit_with_its_contact(client, legal_officer, district):
    client.force_login(legal_officer)
    response = client.post(
        reverse("unit-create"),
        {
            "name": "区妇联",
            "short_name": "妇联",
            "kind": UnitKind.MASS_ORG,
            "aliases": "区妇女联合会、番禺区妇联",
            "contact_person": "陈主任",
            "contact_phone": "020-84600000",
        },
    )
    unit = Unit.objects.get(jurisdiction=district, name="区妇联")
    assert response.status_code == 302 and response["Location"] == reverse("unit-detail", args=[unit.pk])
    assert (unit.kind, unit.parent_id, unit.aliases) == ("mass_org", district.pk, ["区妇女联合会", "番禺区妇联"])
    assert (unit.contact_person, unit.contact_phone) == ("陈主任", "020-84600000")
    assert unit.history.first().history_user == legal_officer
    page = client.get(response["Location"]).content.decode()
    assert "群团组织" in page and "陈主任 020-84600000" in page


def test_rename_keeps_the_old_name_as_an_alias_with_history(client, legal_officer, unit):
    client.force_login(legal_officer)
    response = client.post(
        reverse("unit-edit", args=[unit.pk]),
        {"name": "区委编办", "kind": UnitKind.PARTY, "aliases": "区委编办", "contact_person": "", "contact_phone": ""},
    )
    assert response.status_code == 302
    unit.refresh_from_db()
    # The new name leaves the aliases; the old one joins them, so older documents still resolve.
    assert (unit.name, unit.kind, unit.aliases) == ("区委编办", "party", ["区编办"])
    latest = unit.history.first()
    assert latest.history_change_reason == "由“区编办”更名" and latest.history_user == legal_officer
    assert unit.history.count() == 2
    assert "原名称“区编办”已保留为别名" in client.get(response["Location"]).content.decode()


def test_rename_to_a_name_the_jurisdiction_already_has_is_refused(client, legal_officer, unit, other_unit):
    client.force_login(legal_officer)
    before = unit_state()
    response = client.post(reverse("unit-edit", args=[unit.pk]), {"name": "区财政局", "kind": UnitKind.DEPARTMENT})
    assert response.status_code == 400
    assert "本辖区已有单位以“区财政局”为名称(区财政局),不能重名。" in response.content.decode()
    # …and an alias of another unit is a name too.
    response = client.post(reverse("unit-edit", args=[other_unit.pk]), {"name": "区委编办", "kind": "department"})
    assert "本辖区已有单位以“区委编办”为别名(区编办)" in response.content.decode()
    assert unit_state() == before


def test_a_unit_of_another_jurisdiction_is_not_found_and_reporters_cannot_edit(
    client, outsider_officer, reporter, leader, unit
):
    before = unit_state()
    client.force_login(outsider_officer)
    for name in ("unit-edit", "unit-merge"):
        assert client.get(reverse(name, args=[unit.pk])).status_code == 404
    assert client.post(reverse("unit-edit", args=[unit.pk]), {"name": "改名", "kind": "department"}).status_code == 404
    assert client.post(reverse("unit-retire", args=[unit.pk])).status_code == 404
    for user in (reporter, leader):
        client.force_login(user)
        response = client.post(reverse("unit-edit", args=[unit.pk]), {"name": "改名", "kind": "department"})
        assert response.status_code == 403 and "无权" in response.content.decode()
        page = client.get(reverse("unit-detail", args=[unit.pk]))
        assert page.status_code == 200 and "data-unit-edit" not in page.content.decode()
    assert unit_state() == before


def test_the_jurisdiction_itself_is_not_edited_in_the_directory(client, legal_officer, district):
    client.force_login(legal_officer)
    assert client.get(reverse("unit-edit", args=[district.pk])).status_code == 404


# --- search, filter, retire -----------------------------------------------------------------------------


def test_the_directory_searches_names_and_aliases_filters_by_kind_and_lists_retired_apart(
    client, legal_officer, district, unit, other_unit
):
    town = make_unit(district, "南村镇", kind=UnitKind.TOWNSHIP)
    unit_retire(unit=other_unit, by=legal_officer)
    client.force_login(legal_officer)
    body = client.get(reverse("units"), {"q": "委编"}).content.decode()
    assert 'data-unit="区编办"' in body and 'data-unit="南村镇"' not in body  # found by its alias 区委编办
    body = client.get(reverse("units"), {"kind": "township"}).content.decode()
    assert 'data-unit="南村镇"' in body and 'data-unit="区编办"' not in body
    body = client.get(reverse("units")).content.decode()
    retired = body[body.index("data-retired-units") :]
    assert 'data-unit="区财政局"' in retired and 'data-unit="区编办"' not in retired
    assert town.name in body


def test_a_retired_unit_is_offered_nowhere_but_keeps_its_page_and_work(
    client, legal_officer, district, unit, other_unit
):
    plan = plan_factory(jurisdiction=district, tasks=2, lead=other_unit)
    client.force_login(legal_officer)
    response = client.post(reverse("unit-retire", args=[other_unit.pk]), {"action": "retire"})
    assert response.status_code == 302
    other_unit.refresh_from_db()
    assert other_unit.is_retired and other_unit.history.first().history_change_reason == "停用"
    # Not offered: the assignment dropdown, the silent-unit list, a new assessment cycle's participants.
    assert other_unit not in AssignmentForm(jurisdiction=district).fields["unit"].queryset
    assert unit in AssignmentForm(jurisdiction=district).fields["unit"].queryset
    assert other_unit not in silent_units(user=legal_officer, today=TODAY)
    assert other_unit not in default_participants(district)
    # Kept: its page, with its tasks and the 已停用 mark; its assignments untouched.
    page = client.get(reverse("unit-detail", args=[other_unit.pk])).content.decode()
    assert "data-retired" in page and plan.title in page
    assert Assignment.objects.active().filter(unit=other_unit).count() == 2
    client.post(reverse("unit-retire", args=[other_unit.pk]), {"action": "restore"})
    other_unit.refresh_from_db()
    assert not other_unit.is_retired
    assert other_unit in silent_units(user=legal_officer, today=TODAY)


# --- merge --------------------------------------------------------------------------------------------------


@pytest.fixture
def survivor(district) -> Unit:
    return make_unit(district, "区委机构编制委员会办公室", aliases=["编委办"])


def test_a_merge_moves_every_record_to_the_survivor_with_history(
    client, legal_officer, district, unit, survivor, other_unit, reporter, cycle, submission
):
    """区编办 (with a reporter, reports, a submission, a figure, group membership) merged into the survivor:
    everything is the survivor's, every moved row has a history entry, and 区编办's names are aliases."""
    plan = plan_factory(jurisdiction=district, tasks=3, lead=unit, cooperating=survivor)
    t1, t2, t3 = plan.tasks.order_by("position")
    # Task 2: the survivor leads and 区编办 helps → the survivor's lead stays, 区编办's part is removed.
    Assignment.objects.filter(clause__task=t2, unit=unit).update(role="cooperating")
    Assignment.objects.filter(clause__task=t2, unit=survivor).update(role="lead")
    # Task 3: only 区编办.
    Assignment.objects.filter(clause__task=t3, unit=survivor).delete()
    report = ProgressReport.objects.create(
        task=t1, unit=unit, reported_on=TODAY, text="已完成", percent=100, status="submitted", entered_by=reporter
    )
    group = make_unit(district, "区政府有关部门", kind=UnitKind.GROUP)
    group.members.add(unit)
    indicator = Indicator.objects.create(name="行政复议申请", measure="件")
    figure = Statistic.objects.create(indicator=indicator, unit=unit, jurisdiction=district, year=2025, value=3)
    child = Unit.objects.create(name="区编办下属中心", kind=UnitKind.INSTITUTION, jurisdiction=district, parent=unit)
    unit.contact_person = "张三"
    unit.save()

    moved_ids = list(Assignment.objects.filter(unit=unit).values_list("pk", flat=True))
    client.force_login(legal_officer)
    confirm = client.get(reverse("unit-merge", args=[unit.pk]), {"into": survivor.pk})
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "data-merge-confirm" in body and "责任分工" in body and "进展报告" in body and "区委编办" in body
    assert Unit.objects.get(pk=unit.pk).deleted_at is None  # the confirmation page changes nothing

    response = client.post(reverse("unit-merge", args=[unit.pk]), {"into": survivor.pk, "confirm": "1"})
    assert response.status_code == 302 and response["Location"] == reverse("unit-detail", args=[survivor.pk])

    merged = Unit.objects.get(pk=unit.pk)
    survivor.refresh_from_db()
    assert merged.is_deleted and merged.merged_into == survivor
    assert survivor.aliases == ["编委办", "区编办", "区委编办"]
    assert survivor.contact_person == "张三"
    assert not Assignment.objects.filter(unit=unit).exists()
    assert not ProgressReport.objects.filter(unit=unit).exists()
    assert not Submission.objects.filter(unit=unit).exists()
    assert not User.objects.filter(unit=unit).exists()
    # One live part per clause, the stronger role: lead on tasks 1 and 3, the survivor's own lead on task 2.
    live = {(a.clause.task_id, a.role) for a in Assignment.objects.active().filter(unit=survivor)}
    assert live == {(t1.pk, "lead"), (t2.pk, "lead"), (t3.pk, "lead")}
    assert Assignment.objects.filter(unit=survivor, deleted_at__isnull=False).count() == 2
    assert Assignment.objects.filter(unit=survivor).count() == 5  # 3 of 区编办, 2 of its own
    report.refresh_from_db()
    assert report.unit == survivor and report.history.first().history_change_reason.startswith("“区编办”并入")
    submission.refresh_from_db()
    assert submission.unit == survivor and submission.history.first().history_user == legal_officer
    figure.refresh_from_db()
    assert figure.unit == survivor and figure.history.count() == 2
    reporter.refresh_from_db()
    assert reporter.unit == survivor
    assert list(group.members.all()) == [survivor]
    child.refresh_from_db()
    assert child.parent == survivor
    assert merged.history.first().history_change_reason == "并入“区委机构编制委员会办公室”"
    assert survivor.history.first().history_change_reason == "由“区编办”并入"
    for a in Assignment.objects.filter(pk__in=moved_ids):
        assert a.unit_id == survivor.pk
        assert a.history.first().unit_id == survivor.pk and a.history.last().unit_id == unit.pk
        assert a.history.first().history_user == legal_officer

    # The survivor's page shows the work it took over, and the old address leads there.
    page = client.get(response["Location"]).content.decode()
    assert "已并入本单位" in page and "区编办" in page and plan.title in page
    assert client.get(reverse("unit-detail", args=[unit.pk]))["Location"] == response["Location"]
    assert client.get(reverse("plans:unit-tasks", args=[unit.pk])).status_code == 302
    # The reporter now works for the survivor.
    client.force_login(reporter)
    assert client.get(reverse("unit-detail", args=[survivor.pk])).status_code == 200


def test_a_merge_is_refused_where_both_units_have_a_submission_in_one_cycle(
    client, legal_officer, unit, other_unit, cycle
):
    before = unit_state()
    client.force_login(legal_officer)
    response = client.get(reverse("unit-merge", args=[unit.pk]), {"into": other_unit.pk})
    body = response.content.decode()
    assert response.status_code == 409 and "data-merge-confirm" not in body
    assert "2017年“2017年度法治政府建设考核”中两个单位都有自评" in body
    response = client.post(reverse("unit-merge", args=[unit.pk]), {"into": other_unit.pk, "confirm": "1"})
    assert response.status_code == 409 and "2017年“2017年度法治政府建设考核”" in response.content.decode()
    assert unit_state() == before


def test_a_merge_into_itself_or_into_another_jurisdiction_is_refused(
    client, legal_officer, district, other_district, unit
):
    foreign = make_unit(other_district, "区编办")
    before = unit_state()
    client.force_login(legal_officer)
    response = client.post(reverse("unit-merge", args=[unit.pk]), {"into": unit.pk, "confirm": "1"})
    assert response.status_code == 409 and "不能把单位并入它自己。" in response.content.decode()
    response = client.post(reverse("unit-merge", args=[unit.pk]), {"into": foreign.pk, "confirm": "1"})
    assert response.status_code == 400 and "要并入的单位不存在或不属于您管辖的辖区。" in response.content.decode()
    # A city's legal office sees both districts: the service itself refuses across jurisdictions.
    with pytest.raises(UnitError) as refused:
        unit_merge(source=unit, target=foreign, by=legal_officer)
    assert refused.value.details == ["只能并入本辖区的单位。"]
    # A concrete unit is never merged into a phrase standing for many.
    towns = make_unit(district, "各镇街", kind=UnitKind.GROUP)
    before = unit_state()
    assert unit_merge_preview(source=unit, target=towns).refusals == [
        "“各镇街”是泛称,具体单位不能并入泛称;请在泛称的成员中指定该单位。"
    ]
    with pytest.raises(UnitError):
        unit_merge(source=unit, target=towns, by=legal_officer)
    assert unit_state() == before


def test_where_both_held_a_part_on_one_clause_the_stronger_role_stays(legal_officer, district, unit, other_unit):
    """responsible beats cooperating: one live part per unit and clause (the constraint) after the merge too."""
    plan = plan_factory(jurisdiction=district, tasks=1, cooperating=other_unit)
    clause = plan.tasks.get().clauses.get()
    Assignment.objects.create(clause=clause, unit=unit, role="responsible")
    assert unit_merge_preview(source=unit, target=other_unit).allowed
    unit_merge(source=unit, target=other_unit, by=legal_officer)
    live = list(Assignment.objects.active().filter(clause=clause).values_list("unit_id", "role"))
    assert live == [(other_unit.pk, "responsible")]


def test_a_unit_merged_into_its_own_child_leaves_the_child_in_its_place(legal_officer, district, unit):
    child = Unit.objects.create(name="区编办事务中心", kind=UnitKind.INSTITUTION, jurisdiction=district, parent=unit)
    unit_merge(source=unit, target=child, by=legal_officer)
    child.refresh_from_db()
    assert child.parent_id == district.pk and "区编办" in child.aliases


def test_a_unit_merged_earlier_leads_to_the_last_survivor(client, legal_officer, district, unit, other_unit):
    third = make_unit(district, "区审计局")
    unit_merge(source=unit, target=other_unit, by=legal_officer)
    unit_merge(source=other_unit, target=third, by=legal_officer)
    third.refresh_from_db()
    assert set(third.aliases) == {"区编办", "区委编办", "区财政局"}
    client.force_login(legal_officer)
    response = client.get(reverse("unit-detail", args=[unit.pk]))
    assert response["Location"] == reverse("unit-detail", args=[third.pk])


# --- the unit's page ----------------------------------------------------------------------------------------


def test_the_unit_page_shows_tasks_by_role_and_status_overdue_reports_and_reporters(
    client, legal_officer, district, unit, other_unit, reporter
):
    past = timezone.localdate() - dt.timedelta(days=30)
    plan = plan_factory(jurisdiction=district, tasks=2, lead=unit, due_on=past)
    plan_factory(jurisdiction=district, tasks=1, lead=other_unit, cooperating=unit)
    task = plan.tasks.first()
    ProgressReport.objects.create(
        task=task, unit=unit, reported_on=past, text="进展", percent=50, status="submitted", entered_by=reporter
    )
    ProgressReport.objects.create(
        task=task, unit=unit, reported_on=past, text="草稿", percent=60, status=ReportStatus.DRAFT, entered_by=reporter
    )
    client.force_login(legal_officer)
    body = client.get(reverse("unit-detail", args=[unit.pk])).content.decode()
    lead_row = body[body.index('<tr data-role="lead">') :]
    lead_row = lead_row[: lead_row.index("</tr>")]
    assert '<td data-status="overdue">2</td>' in lead_row
    coop_row = body[body.index('<tr data-role="cooperating">') :]
    assert '<td data-status="not_started">1</td>' in coop_row[: coop_row.index("</tr>")]
    assert 'data-kpi="overdue">2<' in body and 'data-kpi="tasks">3<' in body
    if past.year == timezone.localdate().year:
        assert 'data-kpi="reports">1<' in body  # the draft is not a report yet
    assert f'data-kpi="last-report">{past:%Y-%m-%d}<' in body
    assert "李填报" in body[body.index("data-reporters") :]


def test_the_unit_page_query_count_does_not_grow_with_its_work(client, legal_officer, district, unit, other_unit):
    client.force_login(legal_officer)
    make_user("r1", Role.REPORTER, unit=unit, jurisdiction=district)
    plan_factory(jurisdiction=district, tasks=1, lead=unit, cooperating=other_unit)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("unit-detail", args=[unit.pk]))
    for n in range(3):
        plan = plan_factory(jurisdiction=district, tasks=8, lead=unit, cooperating=other_unit)
        make_user(f"r{n + 2}", Role.REPORTER, unit=unit, jurisdiction=district)
        for task in plan.tasks.all():
            ProgressReport.objects.create(
                task=task,
                unit=unit,
                reported_on=TODAY,
                text="进展",
                percent=10,
                status="submitted",
                entered_by=legal_officer,
            )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("unit-detail", args=[unit.pk]))
    body = response.content.decode()
    assert 'data-kpi="tasks">25<' in body and body.count("<tr>") >= 25 and "r4" in body
    # session + user, the unit, visibility, editability, jurisdictions, reporters, merged names,
    # covering groups, clauses with status, reports aggregate: the same whatever the work.
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    assert len(many) <= 16, len(many)


# --- API ----------------------------------------------------------------------------------------------------


def test_the_api_shows_contact_and_retirement_read_only(client, legal_officer, unit, other_unit):
    unit.contact_person, unit.contact_phone = "陈主任", "020-1"
    unit.save()
    unit_retire(unit=other_unit, by=legal_officer)
    client.force_login(legal_officer)
    rows = {r["name"]: r for r in client.get("/api/v1/units/").json()["results"]}
    assert (rows["区编办"]["contact_person"], rows["区编办"]["contact_phone"], rows["区编办"]["retired"]) == (
        "陈主任",
        "020-1",
        False,
    )
    assert rows["区财政局"]["retired"] is True and rows["区财政局"]["retired_at"]
    names = [r["name"] for r in client.get("/api/v1/units/", {"retired": "false"}).json()["results"]]
    assert "区编办" in names and "区财政局" not in names
    assert client.patch(f"/api/v1/units/{unit.pk}/", {"name": "x"}, content_type="application/json").status_code == 405


def test_a_merge_of_units_with_long_names_keeps_its_history_reasons_within_the_column(legal_officer, district):
    """history_change_reason is varchar(100): PostgreSQL refuses a longer one, which would undo the merge."""
    long_a = make_unit(district, "区" + "甲" * 110)
    long_b = make_unit(district, "区" + "乙" * 110)
    plan_factory(jurisdiction=district, tasks=1, lead=long_a)
    unit_merge(source=long_a, target=long_b, by=legal_officer)
    assert Assignment.objects.active().get().unit == long_b
    assert len(Assignment.objects.get().history.first().history_change_reason) == 100
