"""Issue 18: parsing an upload is time-limited (lawgov.limits): a loop that runs over stops with
``ParseTimeLimit``, the timer is cleared afterwards, and the plan-import preview answers with a message."""

import threading
import time

import pytest

from lawgov.limits import ParseTimeLimit, time_limited
from plans.services import PlanImportError, plan_import_preview


def spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def test_a_block_that_runs_over_is_stopped():
    started = time.monotonic()
    with pytest.raises(ParseTimeLimit) as caught, time_limited(0.05):
        spin(5)
    assert time.monotonic() - started < 1
    assert "0.05秒" in caught.value.message
    spin(0.1)  # the timer is gone: nothing fires after the block


def test_a_block_within_the_limit_runs_to_its_end():
    with time_limited(1):
        spin(0.01)


def test_the_setting_is_the_default_and_zero_turns_it_off(settings):
    settings.LAWGOV_PARSE_TIME_LIMIT = 0
    with time_limited():
        spin(0.05)
    settings.LAWGOV_PARSE_TIME_LIMIT = 0.02
    with pytest.raises(ParseTimeLimit), time_limited():
        spin(2)


def test_outside_the_main_thread_the_block_runs_unlimited():
    outcome = []

    def run():
        with time_limited(0.01):
            spin(0.05)
        outcome.append("done")

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    assert outcome == ["done"]


@pytest.mark.django_db
def test_a_plan_preview_over_the_limit_is_refused_with_a_message(settings, district, legal_officer):
    settings.LAWGOV_PARSE_TIME_LIMIT = 0.001
    text = "\n".join(f"{i}. 第{i}项任务,由区司法局负责。" for i in range(1, 400)).encode()
    with pytest.raises(PlanImportError) as caught:
        plan_import_preview(data=text, filename="plan.txt", jurisdiction=district, by=legal_officer)
    assert caught.value.code == "too_large" and "秒仍未完成" in caught.value.message
