"""Saving imports: the seeds land with the right counts, re-import updates in place, failures change nothing."""

import pytest
from django.db.models import Count

from lawgov.models import Unit, UnitKind
from plans import services
from plans.models import Assignment, Clause, Plan, PlanImport, ReferenceReport, Task
from tests.plans.conftest import DAXING, GUANGZHOU, NANHAI, PANYU, ZHAOHUA, district_named, seed_bytes

pytestmark = pytest.mark.django_db


def import_seed(name: str, district: str, by=None) -> services.ImportOutcome:
    return services.plan_import_bytes(
        data=seed_bytes(name), filename=name, jurisdiction=district_named(district), by=by
    )


def test_panyu_lands_with_every_task_clause_and_unit(demo):
    outcome = import_seed(PANYU, "番禺区")
    plan = outcome.plan
    assert outcome.created
    assert plan.doc_number == "番府办〔2016〕60号"
    assert plan.tasks.count() == 38
    assert Clause.objects.filter(task__plan=plan).count() == 54
    # Known names resolve to the seeded units; 区政府法制办-style variants resolve through aliases.
    legal = Unit.objects.get(jurisdiction__name="番禺区", name="区法制办")
    task1 = plan.tasks.get(number="1")
    leads = set(Assignment.objects.filter(clause__task=task1, role="lead").values_list("unit__name", flat=True))
    assert leads == {"区编办", "区法制办"}
    assert Assignment.objects.filter(unit=legal).exists()
    # 各镇、街 is kept whole and resolves to the group phrase 各镇街.
    assert Assignment.objects.filter(clause__task=task1, unit__name="各镇街", role="cooperating").exists()


def test_every_seed_lands_in_its_jurisdiction(demo):
    for name, district in ((DAXING, "大兴区"), (NANHAI, "南海区"), (ZHAOHUA, "昭化区")):
        import_seed(name, district)
    counts = dict(Plan.objects.annotate(n=Count("tasks")).values_list("jurisdiction__name", "n"))
    assert counts == {"大兴区": 43, "南海区": 23, "昭化区": 20}
    daxing = Plan.objects.get(jurisdiction__name="大兴区")
    assert not Assignment.objects.filter(clause__task__plan=daxing).exists()
    assert Task.objects.filter(plan=daxing).unassigned().count() == 43
    assert all(
        Assignment.objects.filter(clause__task__plan__jurisdiction__name="昭化区").values_list("role", flat=True)
    )
    assert set(
        Assignment.objects.filter(clause__task__plan__jurisdiction__name="昭化区").values_list("role", flat=True)
    ) == {"responsible"}


def test_guangzhou_report_is_kept_as_a_reference_report(demo):
    outcome = import_seed(GUANGZHOU, "广州市")
    assert outcome.plan is None
    report = ReferenceReport.objects.get()
    assert "法治政府建设情况的报告" in report.title
    assert not Plan.objects.exists()


def test_reimport_updates_in_place_and_says_nothing_changed(demo):
    first = import_seed(PANYU, "番禺区")
    tasks_before = set(Task.objects.values_list("pk", flat=True))
    again = import_seed(PANYU, "番禺区")
    assert not again.created and again.plan.pk == first.plan.pk
    assert set(Task.objects.values_list("pk", flat=True)) == tasks_before
    assert again.changes == ["与上次导入的内容相同,没有变化。"]


def test_reimport_reports_changed_task_and_keeps_manual_assignments(demo, panyu_officer):
    text = seed_bytes(DAXING).decode("utf-8")
    import_seed(DAXING, "大兴区")
    plan = Plan.objects.get()
    clause = Clause.objects.filter(task__plan=plan).order_by("task__position", "position").first()
    judicial = Unit.objects.get(jurisdiction__name="大兴区", name="区司法局")
    services.assignment_add(clause=clause, unit=judicial, role="lead", by=panyu_officer)
    first_task = clause.task
    changed = text.replace(first_task.text[:12], first_task.text[:12] + "(修订)", 1)
    assert changed != text
    outcome = services.plan_import_bytes(
        data=changed.encode("utf-8"), filename=DAXING, jurisdiction=district_named("大兴区"), by=None
    )
    assert any(line.startswith("更新任务 1 项") for line in outcome.changes), outcome.changes
    assert Plan.objects.count() == 1 and Task.objects.active().count() == 43
    assert Assignment.objects.active().filter(unit=judicial, source="manual").count() == 1


def test_failed_import_changes_nothing(demo, panyu):
    before = (Plan.objects.count(), Task.objects.count(), Unit.objects.count())
    with pytest.raises(services.PlanImportError):
        services.plan_import_bytes(data=b"", filename="empty.txt", jurisdiction=panyu, by=None)
    # A unit choice pointing outside the jurisdiction fails half way through saving: all rolled back.
    plan_import = services.plan_import_preview(
        data=seed_bytes(PANYU), filename=PANYU, jurisdiction=panyu, by=demo.accounts[0]
    )
    unknown = [
        n
        for n, u in services.unit_names_resolve(
            jurisdiction=panyu, names=services.parsed_unit_names(plan_import.parsed)
        ).items()
        if u is None
    ]
    assert unknown, "the 番禺 seed names units the demo directory lacks"
    outsider = Unit.objects.get(name="南海区")
    with pytest.raises(services.PlanImportError):
        services.plan_import_confirm(
            plan_import=plan_import, by=demo.accounts[0], unit_choices={unknown[-1]: str(outsider.pk)}
        )
    assert (Plan.objects.count(), Task.objects.count(), Unit.objects.count()) == before
    assert PlanImport.objects.get().status == PlanImport.Status.PREVIEW


def test_unknown_unit_mapped_to_existing_becomes_an_alias(demo, panyu, panyu_officer):
    plan_import = services.plan_import_preview(
        data=seed_bytes(PANYU), filename=PANYU, jurisdiction=panyu, by=panyu_officer
    )
    resolved = services.unit_names_resolve(jurisdiction=panyu, names=services.parsed_unit_names(plan_import.parsed))
    unknown = [n for n, u in resolved.items() if u is None]
    target = Unit.objects.get(jurisdiction=panyu, name="区政府办")
    services.plan_import_confirm(plan_import=plan_import, by=panyu_officer, unit_choices={unknown[0]: str(target.pk)})
    target.refresh_from_db()
    assert unknown[0] in target.aliases
    assert Assignment.objects.filter(unit=target, printed_name=unknown[0]).exists()


def test_group_phrase_replaced_by_concrete_units(demo, panyu_officer):
    import_seed(PANYU, "番禺区")
    phrase = Assignment.objects.filter(unit__kind=UnitKind.GROUP).exclude(unit__name="各镇街").first()
    assert phrase is not None
    finance = Unit.objects.get(jurisdiction__name="番禺区", name="区财政局")
    services.group_phrase_replace(assignment=phrase, units=[finance], by=panyu_officer)
    phrase.refresh_from_db()
    assert phrase.deleted_at is not None
    assert phrase.clause.assignments.active().filter(unit=finance, role=phrase.role).exists()


def test_assignment_outside_jurisdiction_is_refused(demo, panyu_officer):
    import_seed(DAXING, "大兴区")
    clause = Clause.objects.first()
    with pytest.raises(services.PlanImportError):
        services.assignment_add(
            clause=clause,
            unit=Unit.objects.get(name="区编办", jurisdiction__name="番禺区"),
            role="lead",
            by=panyu_officer,
        )
