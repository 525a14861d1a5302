"""Building inputs for the services by the annex's numbering: {"四.1": {0: 3, 3: True}} (rule positions)."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from assessment.models import Submission
from assessment.rules import RubricRules
from assessment.scoring import default_fact, fact_to_json
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


BASIS = "查阅台账核实"  # the 核定依据 the legal office writes (required for on-site and changed scores)


def review_inputs(submission: Submission, by_path: dict[str, dict[int, object]], reasons=None, comment=BASIS):
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


def review_all(submission: Submission, by_path: dict[str, dict[int, object]] | None = None, **kw):
    """Every item scored by the legal office (现场核定 of a unit that never submitted): the given facts, and
    nothing found on the others."""
    rules = RubricRules.load(submission.rubric_id)
    out = {
        item.pk: ReviewInput(
            facts={r.key: fact_to_json(default_fact(r.spec())) for r in rules.by_item[item.pk]},
            comment=kw.get("comment", BASIS),
        )
        for item in rules.items
    }
    out.update(review_inputs(submission, by_path or {}, **kw))
    return out


_REF = re.compile(r"\b([A-Z]{1,2}\d+)(?::([A-Z]{1,2}\d+))?\b(?!\()")


def evaluated(ws, cell) -> float | None:
    """What Excel shows in a cell of an exported sheet (openpyxl does not compute formulas): the value, or
    the formula worked out over the sheet (SUM, MAX, MIN, ROUND, + − × ÷: what our exports write)."""
    value = cell.value if hasattr(cell, "value") else ws[cell].value
    if not (isinstance(value, str) and value.startswith("=")):
        return value

    def number(ref: str) -> float:
        got = evaluated(ws, ws[ref])
        return got if isinstance(got, int | float) else 0

    def many(a: str, b: str) -> list[float]:
        return [number(c.coordinate) for row in ws[f"{a}:{b}"] for c in row]

    def excel_round(x: float, places: int) -> float:
        return float(Decimal(str(x)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP))

    def flat(*args):
        for a in args:
            yield from (a if isinstance(a, list) else [a])

    expr = _REF.sub(lambda m: f'_many("{m[1]}","{m[2]}")' if m[2] else f'_one("{m[1]}")', value[1:])
    names = {
        "SUM": lambda *a: sum(flat(*a)),
        "MAX": lambda *a: max(flat(*a)),
        "MIN": lambda *a: min(flat(*a)),
        "ROUND": excel_round,
        "_many": many,
        "_one": number,
    }
    return eval(expr, {"__builtins__": {}}, names)
