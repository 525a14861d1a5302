"""One recurrence rule, tested from one table: every kind of recurring deadline the importer produces.

Each row is a phrase as printed in a plan, read by the importer (so the table follows what the importer
really emits), then rolled forward from several days by the one rule. The same rows go through the
``Deadline`` model, the daily roll job and the words shown on the task page, so those can never drift
from the importer again (they did: 每年上半年 rolled to 12-31, 每年3月15日 to 03-31, quarterly never rolled).
"""

import datetime as dt

import pytest

from plans.importing import parse_document
from plans.importing.deadlines import describe, extract_deadlines, next_due
from plans.models import Deadline
from tasks import services
from tests.factories import plan_factory

D = dt.date

# (phrase as printed, the rule the importer reads, what a page says, [(today, next due)…])
TABLE = [
    (
        "每年3月15日前报送",
        {"rule": "yearly", "month": 3, "day": 15},
        "每年3月15日前",
        [(D(2026, 1, 1), D(2026, 3, 15)), (D(2026, 3, 15), D(2026, 3, 15)), (D(2026, 3, 16), D(2027, 3, 15))],
    ),
    (
        "每年上半年完成一次",
        {"rule": "yearly", "half": 1},
        "每年上半年末前",
        [(D(2026, 1, 5), D(2026, 6, 30)), (D(2026, 6, 30), D(2026, 6, 30)), (D(2026, 7, 1), D(2027, 6, 30))],
    ),
    (
        "每年下半年开展",
        {"rule": "yearly", "half": 2},
        "每年下半年末前",
        [(D(2026, 7, 1), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 12, 31))],
    ),
    (
        "每年第一季度完成",
        {"rule": "yearly", "quarter": 1},
        "每年第一季度末前",
        [(D(2026, 2, 1), D(2026, 3, 31)), (D(2026, 4, 1), D(2027, 3, 31))],
    ),
    (
        "每年3月初报送上年度情况",
        {"rule": "yearly", "month": 3, "part": "early"},
        "每年3月初前",
        [(D(2026, 3, 10), D(2026, 3, 10)), (D(2026, 3, 11), D(2027, 3, 10))],
    ),
    (
        "每年6月份召开",
        {"rule": "yearly", "month": 6},
        "每年6月底前",
        [(D(2026, 6, 1), D(2026, 6, 30)), (D(2026, 7, 1), D(2027, 6, 30))],
    ),
    (
        "每年年初制定计划",
        {"rule": "yearly", "month": 1, "part": "early"},
        "每年1月初前",
        [(D(2026, 1, 10), D(2026, 1, 10)), (D(2026, 1, 11), D(2027, 1, 10))],
    ),
    (
        "每年年底前总结",
        {"rule": "yearly", "month": 12, "part": "end"},
        "每年12月底前",
        [(D(2026, 5, 1), D(2026, 12, 31)), (D(2027, 1, 1), D(2027, 12, 31))],
    ),
    (
        "每年次年3月初前报送上年度法治政府建设情况",
        {"rule": "yearly", "month": 3, "part": "early", "year_offset": 1},
        "每年次年3月初前",
        [(D(2026, 2, 1), D(2026, 3, 10)), (D(2026, 3, 11), D(2027, 3, 10))],
    ),
    (
        "每季度末报送进展",
        {"rule": "quarterly"},
        "每季度末",
        [
            (D(2026, 1, 1), D(2026, 3, 31)),
            (D(2026, 3, 31), D(2026, 3, 31)),
            (D(2026, 4, 1), D(2026, 6, 30)),
            (D(2026, 12, 31), D(2026, 12, 31)),
        ],
    ),
    # Issue 13: a frequency alone names its period's end (the table in plans/importing/deadlines.py).
    (
        "每季度通报一次审查情况",
        {"rule": "quarterly"},
        "每季度末",
        [(D(2026, 1, 1), D(2026, 3, 31)), (D(2026, 4, 1), D(2026, 6, 30)), (D(2026, 12, 31), D(2026, 12, 31))],
    ),
    (
        "每季度一次",
        {"rule": "quarterly"},
        "每季度末",
        [(D(2026, 5, 15), D(2026, 6, 30)), (D(2026, 10, 1), D(2026, 12, 31))],
    ),
    (
        "每半年通报一次评查结果",
        {"rule": "half_yearly"},
        "每半年末",
        [
            (D(2026, 1, 1), D(2026, 6, 30)),
            (D(2026, 6, 30), D(2026, 6, 30)),
            (D(2026, 7, 1), D(2026, 12, 31)),
            (D(2027, 1, 1), D(2027, 6, 30)),
        ],
    ),
    (
        "每半年一次",
        {"rule": "half_yearly"},
        "每半年末",
        [(D(2026, 3, 1), D(2026, 6, 30)), (D(2026, 12, 31), D(2026, 12, 31))],
    ),
    (
        "每月报送工作动态",
        {"rule": "monthly", "part": "end"},
        "每月底",
        [(D(2026, 2, 1), D(2026, 2, 28)), (D(2026, 2, 28), D(2026, 2, 28)), (D(2026, 12, 31), D(2026, 12, 31))],
    ),
    (
        "每个月通报一次",
        {"rule": "monthly", "part": "end"},
        "每月底",
        [(D(2024, 2, 10), D(2024, 2, 29)), (D(2026, 4, 30), D(2026, 4, 30))],
    ),
    (
        "每月20日前报送",
        {"rule": "monthly", "day": 20},
        "每月20日前",
        [(D(2026, 1, 20), D(2026, 1, 20)), (D(2026, 1, 21), D(2026, 2, 20)), (D(2026, 12, 21), D(2027, 1, 20))],
    ),
]
IDS = [row[0] for row in TABLE]


@pytest.mark.parametrize(("phrase", "rule", "words", "cases"), TABLE, ids=IDS)
def test_the_importer_reads_each_recurrence(phrase, rule, words, cases):
    found, _ = extract_deadlines(phrase, plan_year=2026, reference=cases[0][0])
    assert [d.recurrence for d in found] == [rule]
    assert found[0].next_due == cases[0][1]  # the importer's own next_due is the same rule


@pytest.mark.parametrize(("phrase", "rule", "words", "cases"), TABLE, ids=IDS)
def test_the_one_rule_rolls_each_recurrence(phrase, rule, words, cases):
    for today, expected in cases:
        assert next_due(rule, today) == expected, (phrase, today)
        # The model method (used by status and the task page) is the same rule, not a copy.
        assert Deadline(text=phrase, recurrence=rule).next_due(today=today) == expected, (phrase, today)
    assert describe(rule) == words
    assert Deadline(text=phrase, recurrence=rule).rule_text == words


@pytest.mark.django_db
@pytest.mark.parametrize(("phrase", "rule", "words", "cases"), TABLE, ids=IDS)
def test_the_daily_job_rolls_each_recurrence(district, unit, phrase, rule, words, cases):
    """The daily roll (tasks.jobs.reminders_daily → recurring_deadlines_roll) moves due_on by the same rule."""
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=D(2000, 1, 1)).tasks.get()
    Deadline.objects.create(task=task, text=phrase, recurrence=rule)
    for today, expected in cases:
        services.recurring_deadlines_roll(today=today)
        task.refresh_from_db()
        assert task.due_on == expected, (phrase, today)


# Issue 13: frequencies that imply no date stay in the task's text; no deadline, no invented date.
UNDATED = [
    "每年开展一次行政执法案卷评查",
    "每年至少组织一次综合应急演练",
    "执法人员每人每年参加培训不少于60学时",
    "原则上每年不超过一次",
    "定期通报审查情况",
    "定期轮岗",
    "每两年开展一次全面清理",
    "每季度第一个月报送",  # a day the text gives in words we do not read: not guessed as the quarter's end
]


@pytest.mark.parametrize("phrase", UNDATED)
def test_a_frequency_without_a_date_makes_no_deadline(phrase):
    assert extract_deadlines(phrase, plan_year=2026, reference=D(2026, 1, 1)) == ([], [])


def test_a_frequency_in_a_plan_is_a_recurring_deadline_of_its_task():
    """End to end: the parsed task carries the rule and its next date; the bare 每年 task carries none."""
    document = parse_document(
        "某县2026年法治政府建设工作要点\n一、重点任务\n"
        "(一)加强规范性文件审查,每季度通报一次审查情况。(县司法局负责)\n"
        "(二)开展行政执法案卷评查,每半年通报一次评查结果。(县司法局负责)\n"
        "(三)每年开展一次行政执法人员培训。(县司法局负责)\n"
        "(四)定期通报行政机关负责人出庭应诉情况。(县司法局负责)\n",
        reference_date=D(2026, 4, 1),
    )
    rules = [[(d.text, d.recurrence, d.next_due) for d in task.deadlines] for task in document.tasks]
    assert rules == [
        [("每季度", {"rule": "quarterly"}, D(2026, 6, 30))],
        [("每半年", {"rule": "half_yearly"}, D(2026, 6, 30))],
        [],
        [],
    ]


def test_a_one_off_deadline_does_not_move():
    assert Deadline(text="2016年底前", due_on=D(2016, 12, 31)).next_due(today=D(2026, 1, 1)) == D(2016, 12, 31)
    assert Deadline(text="2016年底前", due_on=D(2016, 12, 31)).rule_text == ""


def test_an_unknown_rule_is_refused_not_guessed():
    with pytest.raises(ValueError):
        next_due({"rule": "weekly"}, D(2026, 1, 1))


@pytest.mark.django_db
def test_the_task_page_says_the_rule_and_the_next_date(client, district, unit, legal_officer):
    task = plan_factory(jurisdiction=district, tasks=1, lead=unit, due_on=D(2000, 1, 1)).tasks.get()
    Deadline.objects.create(task=task, text="每季度末报送进展", recurrence={"rule": "quarterly"})
    services.recurring_deadlines_roll(today=D(2026, 11, 30))
    client.force_login(legal_officer)
    page = client.get(f"/tasks/{task.pk}/").content.decode()
    assert "每季度末报送进展(每季度末,下次 2026-12-31)" in page
