"""Chinese numerals of a report's numbered themes (hardening issue: ordinal(100) was "十十", 110 an IndexError)."""

import pytest

from plans.importing.outline import chinese_number
from reports.generator import ordinal


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (9, "九"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (99, "九十九"),
        (100, "一百"),
        (101, "一百零一"),
        (110, "一百一十"),
        (119, "一百一十九"),
        (123, "一百二十三"),
        (150, "一百五十"),
    ],
)
def test_ordinal_writes_chinese_numerals(n, text):
    assert ordinal(n) == text


def test_ordinal_round_trips_through_the_parsers_reader_from_1_to_150():
    written = [ordinal(n) for n in range(1, 151)]
    assert [chinese_number(text) for text in written] == list(range(1, 151))
    assert len(set(written)) == 150
