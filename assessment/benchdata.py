"""A synthetic cycle for the benchmark and the query-count tests: N units × 30 items with every kind of rule.

The rubric is written as text and read by the same parser as the 昭化 annexes, so the benchmark scores
rules the way real ones are scored. Facts are decided by a hash of (unit, item), so runs are repeatable.
This is tooling, never called by the application.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from assessment import parsing, services
from assessment.models import AssessmentCycle, ItemScore, Submission, SubmissionStatus
from lawgov.models import SYSTEM, Unit, UnitKind

# (category name, item points ×5): six categories, 30 items, 100 points.
CATEGORIES = [
    ("依法科学民主决策", 3),
    ("加强政府职能转变", 2),
    ("加强政务公开", 2),
    ("提升行政执法水平", 5),
    ("有效化解行政争议", 3),
    ("落实保障措施", 5),
]
STANDARDS = [
    "建立健全相关制度,未建立健全相关制度机制的,扣{half}分;发现程序不规范的,扣1分。",
    "被行业主管部门通报批评的,一次扣1分;受到群众举报的一次扣1分。",
    "向区政府法制办每月报送2条以上法治政府信息,每少报送1条信息的,扣0.2分。",
    "职权未进行网上网下运行的,扣{max}分;运行情况不好的,酌情扣分。",
    "按要求组织实施,做到计划、内容、时间、人员、效果“五落实”。",
]
_CN = "一二三四五六七八九十"


def _h(*parts: object) -> int:
    return int.from_bytes(hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=4).digest(), "big")


def synthetic_rubric(*, kind: str, year: int) -> parsing.ParsedRubric:
    label = "区级各部门" if kind == UnitKind.DEPARTMENT else "各乡镇(街道)"
    rubric = parsing.ParsedRubric(title=f"{label}{year}年度法治政府建设考核评分细则(基准)", year=year, unit_kind=kind)
    for c, (name, points) in enumerate(CATEGORIES):
        category = parsing.ParsedCategory(label=_CN[c], name=name, max_points=Decimal(points * 5))
        for n in range(5):
            standard = STANDARDS[n].format(half=max(1, points // 2), max=points)
            max_points = Decimal(points)
            category.items.append(
                parsing.ParsedItem(
                    number=str(n + 1),
                    name=f"{name}第{n + 1}项",
                    max_points=max_points,
                    standard=standard,
                    rules=parsing.item_rules(standard, max_points),
                )
            )
        rubric.categories.append(category)
    rubric.bonus_text = "被确定为“省级依法行政示范单位”加5分;“市级依法行政示范单位”加3分。"
    rubric.special_text = "行政执法行为违法的,每起扣2分;引起不良后果的,每起扣5分。"
    rubric.adjustment_rules = parsing.parse_rules(
        rubric.bonus_text, max_points=None, scope="bonus"
    ) + parsing.parse_rules(rubric.special_text, max_points=None, scope="special")
    return rubric


def _facts(rules, unit_index: int, item_id: int, salt: str) -> dict:
    facts = {}
    for rule in rules:
        h = _h(salt, unit_index, item_id, rule.pk)
        if rule.kind in ("fixed", "all_or_nothing"):
            facts[rule.key] = h % (9 if rule.kind == "fixed" else 40) == 0
        elif rule.kind == "per_occurrence":
            facts[rule.key] = h % 3 if h % 5 == 0 else 0
        elif rule.kind == "per_shortfall":
            facts[rule.key] = [2 if (h >> m) % 4 else 1 for m in range(12)]
        else:
            facts[rule.key] = str(Decimal(h % 4) / 2) if h % 6 == 0 else "0"
    return facts


@dataclass
class Built:
    cycle: AssessmentCycle
    units: int
    items: int
    seconds: float


@transaction.atomic
def cycle_build(
    *, units: int = 300, year: int = 2025, name: str = "基准区", reviewed: bool = True, unsubmitted_every: int = 10
) -> Built:
    """A district with ``units`` units (half departments, half townships), two 30-item rubrics, a cycle,
    every unit's self facts and review facts filled and its totals written by the services; every
    ``unsubmitted_every``-th unit never submitted and is not yet reviewed (what 按未提交处理 treats)."""
    started = timezone.now()
    city = Unit.objects.create(name=f"{name}所在市", kind=UnitKind.CITY)
    district = Unit.objects.create(name=name, kind=UnitKind.DISTRICT, parent=city)
    Unit.objects.bulk_create(
        Unit(
            name=f"{name}{'部门' if n % 2 == 0 else '乡镇'}{n:03d}",
            kind=UnitKind.DEPARTMENT if n % 2 == 0 else UnitKind.TOWNSHIP,
            jurisdiction=district,
            parent=district,
        )
        for n in range(units)
    )
    department, _ = services.rubric_save(
        parsed=synthetic_rubric(kind=UnitKind.DEPARTMENT, year=year), jurisdiction=district, by=SYSTEM
    )
    township, _ = services.rubric_save(
        parsed=synthetic_rubric(kind=UnitKind.TOWNSHIP, year=year), jurisdiction=district, by=SYSTEM
    )
    cycle = services.cycle_create(
        jurisdiction=district,
        year=year,
        title=f"{name}{year}年度考核(基准)",
        department_rubric=department,
        township_rubric=township,
        self_start=dt.date(year, 12, 1),
        self_end=dt.date(year, 12, 10),
        weight=Decimal("10"),
        units=Unit.objects.filter(jurisdiction=district).order_by("name"),
        by=SYSTEM,
    )
    rules = {r.pk: services.RubricRules.load(r.pk) for r in (department, township)}
    index = {s.pk: n for n, s in enumerate(Submission.objects.filter(cycle=cycle).order_by("unit__name"))}
    rubric_of = dict(Submission.objects.filter(cycle=cycle).values_list("pk", "rubric_id"))
    scores = list(ItemScore.objects.filter(submission__cycle=cycle))

    def never(n: int) -> bool:
        return bool(unsubmitted_every) and n % unsubmitted_every == unsubmitted_every - 1

    for score in scores:
        item_rules = rules[rubric_of[score.submission_id]].by_item[score.item_id]
        n = index[score.submission_id]
        if never(n):
            continue
        score.self_facts = _facts(item_rules, n, score.item_id, "self")
        score.self_score = Decimal(0)  # marks the item as saved; the real total is recomputed below
        if reviewed:
            score.review_facts = _facts(item_rules, n, score.item_id, "review")
    ItemScore.objects.bulk_update(scores, ["self_facts", "self_score", "review_facts"], batch_size=1000)
    submissions = list(Submission.objects.filter(cycle=cycle))
    for submission in submissions:
        n = index[submission.pk]
        if never(n):
            continue  # a draft left as it was: 未提交 once the window has closed
        adjust = rules[submission.rubric_id].adjustments
        submission.status = SubmissionStatus.REVIEWED if reviewed else SubmissionStatus.SUBMITTED
        submission.summary_text = "年度工作总结。"
        submission.submitted_at = timezone.now()
        submission.reviewed_at = timezone.now() if reviewed else None
        submission.adjust_facts = {adjust[1].key: n % 7 == 0, adjust[2].key: 1 if n % 11 == 0 else 0} if adjust else {}
    Submission.objects.bulk_update(
        submissions, ["status", "summary_text", "submitted_at", "reviewed_at", "adjust_facts"], batch_size=500
    )
    services.cycle_rescore(cycle=cycle)
    return Built(
        cycle=cycle,
        units=units,
        items=len(rules[department.pk].items),
        seconds=(timezone.now() - started).total_seconds(),
    )
