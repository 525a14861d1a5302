"""Template filters of the assessment pages."""

from decimal import Decimal, InvalidOperation

from django import template

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
