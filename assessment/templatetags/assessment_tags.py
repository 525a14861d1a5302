"""Template filters of the assessment pages."""

from decimal import Decimal, InvalidOperation

from django import template

from assessment.selectors import reporter_cards

register = template.Library()


@register.filter
def pts(value) -> str:
    """Points as printed in the annexes: 15 not 15.0, 0.2 stays 0.2."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    return f"{number.normalize():f}" if number == number.to_integral_value() else f"{number}"


@register.inclusion_tag("assessment/_workbench_card.html", takes_context=True)
def assessment_workbench_card(context) -> dict:
    """The reporter's 工作台 card: the open cycle, its deadline, the unit's state and days left; the tasks
    app's template includes it by name so that tasks never imports the assessment (two queries)."""
    user = context.get("user")
    today = context.get("today")
    if user is None or not getattr(user, "unit_id", None):
        return {"cards": []}
    return {"cards": reporter_cards(user=user, today=today)}
