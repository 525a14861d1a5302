"""Building inputs for the services by the annex's numbering: {"四.1": {0: 3, 3: True}} (rule positions)."""

from __future__ import annotations

from assessment.models import Submission
from assessment.rules import RubricRules
from assessment.services import ItemInput, ReviewInput


def item_by_path(rules: RubricRules, path: str):
    label, position = path.split(".")
    items = [i for i in rules.items if i.category.label == label]
    return items[int(position) - 1]


def self_inputs(submission: Submission, by_path: dict[str, dict[int, object]], **extra) -> dict[int, ItemInput]:
    rules = RubricRules.load(submission.rubric_id)
    out = {}
    for path, facts in by_path.items():
        item = item_by_path(rules, path)
        item_rules = rules.by_item[item.pk]
        reasons = {item_rules[k].key: v for k, v in extra.pop(f"reasons_{path}", {}).items()}
        out[item.pk] = ItemInput(facts={item_rules[k].key: v for k, v in facts.items()}, reasons=reasons, **extra)
    return out


def review_inputs(submission: Submission, by_path: dict[str, dict[int, object]], reasons=None, comment=""):
    rules = RubricRules.load(submission.rubric_id)
    out = {}
    for path, facts in by_path.items():
        item = item_by_path(rules, path)
        item_rules = rules.by_item[item.pk]
        why = {item_rules[k].key: v for k, v in (reasons or {}).get(path, {}).items()}
        out[item.pk] = ReviewInput(facts={item_rules[k].key: v for k, v in facts.items()}, reasons=why, comment=comment)
    return out


def adjust_facts(submission: Submission, facts: dict[int, object], grounds: dict[int, str] | None = None):
    rules = RubricRules.load(submission.rubric_id).adjustments
    return (
        {rules[k].key: v for k, v in facts.items()},
        {rules[k].key: v for k, v in (grounds or {}).items()},
    )
