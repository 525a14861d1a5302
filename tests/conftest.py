"""Shared fixtures: the standard users of every test (Healthchecks style), services, the browser."""

import os
import shutil

import pytest

from lawgov.models import Role, Unit, UnitKind, User

REQUIRE_SERVICES = os.environ.get("LAWGOV_REQUIRE_SERVICES", "") in {"1", "true", "yes"}
CHROMIUM = os.environ.get("LAWGOV_CHROMIUM", "/usr/bin/chromium")
TEST_REDIS_URL = os.environ.get("LAWGOV_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "test-pass-1234"

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls from a thread
# with a running loop unless told this is expected.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


# Tests hash passwords with a fast hasher: the strong default (PBKDF2, 1,000,000 rounds) costs about a quarter
# of a second per user created or logged in, which was most of the suite's time. Production keeps the
# default; tests/lawgov/test_deploy.py checks that.
FAST_PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def pytest_configure(config) -> None:
    from django.conf import settings

    settings.PASSWORD_HASHERS = FAST_PASSWORD_HASHERS
    # The embedded daily sweep would start in a thread on a test's first request; the tests that are about
    # it turn it on themselves (tests/tasks/test_sweep.py).
    settings.LAWGOV_EMBEDDED_SWEEP = False


def pytest_collection_modifyitems(config, items) -> None:
    """Browser and worker tests are also ``slow``: ``make test-fast`` leaves them out, ``make test`` runs all."""
    for item in items:
        if item.get_closest_marker("browser") or item.get_closest_marker("redis"):
            item.add_marker(pytest.mark.slow)


def service_missing(reason: str) -> None:
    """A missing service skips the test on a developer's machine and fails it in CI."""
    if REQUIRE_SERVICES:
        pytest.fail(f"LAWGOV_REQUIRE_SERVICES=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def district(db) -> Unit:
    city = Unit.objects.create(name="广州市", kind=UnitKind.CITY)
    return Unit.objects.create(name="番禺区", kind=UnitKind.DISTRICT, parent=city)


@pytest.fixture
def other_district(db) -> Unit:
    city = Unit.objects.create(name="佛山市", kind=UnitKind.CITY)
    return Unit.objects.create(name="南海区", kind=UnitKind.DISTRICT, parent=city)


def make_unit(district: Unit, name: str, kind: str = UnitKind.DEPARTMENT, **extra) -> Unit:
    return Unit.objects.create(name=name, kind=kind, jurisdiction=district, parent=district, **extra)


@pytest.fixture
def unit(district) -> Unit:
    return make_unit(district, "区编办", aliases=["区委编办"])


@pytest.fixture
def other_unit(district) -> Unit:
    return make_unit(district, "区财政局")


def make_user(username: str, role: str, **extra) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, **extra)


@pytest.fixture
def legal_officer(district) -> User:
    return make_user("fzb", Role.LEGAL_OFFICE, jurisdiction=district, display_name="法制办 王科长")


@pytest.fixture
def reporter(unit, district) -> User:
    return make_user("reporter", Role.REPORTER, unit=unit, jurisdiction=district, display_name="李填报")


@pytest.fixture
def other_reporter(other_unit, district) -> User:
    """A reporter of another unit of the same district: the outsider of most visibility tests."""
    return make_user("other_reporter", Role.REPORTER, unit=other_unit, jurisdiction=district)


@pytest.fixture
def leader(district) -> User:
    return make_user("leader", Role.LEADER, jurisdiction=district)


@pytest.fixture
def api_client_user(district) -> User:
    return make_user("api", Role.API_CLIENT, jurisdiction=district)


@pytest.fixture
def outsider_officer(other_district) -> User:
    """The legal office of another district."""
    return make_user("fzb_nanhai", Role.LEGAL_OFFICE, jurisdiction=other_district)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        service_missing(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path):
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - installed by make setup
        service_missing("playwright is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=chromium_path,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    """A tablet-sized page (1024 px); a screenshot lands in test-artifacts/ when the test fails."""
    context = browser.new_context(viewport={"width": 1024, "height": 768}, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        os.makedirs("test-artifacts", exist_ok=True)
        page.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    """Say how many tests that need Chromium and Redis really ran, so CI's log proves it."""
    counts: dict[str, dict[str, int]] = {}
    for outcome in ("passed", "failed", "skipped", "error"):
        for report in terminalreporter.stats.get(outcome, []):
            if getattr(report, "when", "call") not in ("call", "setup"):
                continue
            if outcome == "passed" and report.when != "call":
                continue
            for marker in ("browser", "redis"):
                if marker in getattr(report, "keywords", {}):
                    counts.setdefault(marker, {}).setdefault(outcome, 0)
                    counts[marker][outcome] += 1
    from django.db import connection

    terminalreporter.write_line(f"lawgov: database {connection.vendor}")
    for marker, label in (("browser", "Chromium"), ("redis", "Redis+Celery worker")):
        c = counts.get(marker, {})
        passed, skipped = c.get("passed", 0), c.get("skipped", 0)
        failed = c.get("failed", 0) + c.get("error", 0)
        line = f"lawgov: {label} tests: {passed} passed, {failed} failed, {skipped} skipped"
        terminalreporter.write_line(line)
