"""Configuration is read in one place and documented truly: docs/configuration.md's main table and
lawgov/settings.py name the same variables, nothing else reads LAWGOV_* from the environment, and a
yes/no variable with a typo stops start-up instead of meaning "no"."""

import re
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from lawgov.settings import env_bool
from tests.lawgov.test_deploy import PROD_ENV, ROOT, manage

NAME = re.compile(r"\bLAWGOV_[A-Z0-9_]+\b")
# Read by the code, but not LAWGOV_* (they are documented too).
OWN_DIRS = ("lawgov", "plans", "tasks", "assessment", "reports")


def documented() -> set[str]:
    text = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    main_table = text.split("Tests only:")[0]
    return {name for line in main_table.splitlines() if line.startswith("| `") for name in NAME.findall(line)}


def read_in_settings() -> set[str]:
    source = (ROOT / "lawgov" / "settings.py").read_text(encoding="utf-8")
    calls = re.findall(r"""(?:os\.environ(?:\.get)?[\[(]|env_bool\(|env_list\()\s*"(LAWGOV_[A-Z0-9_]+)""", source)
    return set(calls)


def python_files() -> list[Path]:
    return [path for folder in OWN_DIRS for path in (ROOT / folder).rglob("*.py") if "migrations" not in path.parts]


def test_the_main_table_and_the_settings_name_the_same_variables():
    docs, settings_vars = documented(), read_in_settings()
    assert docs - settings_vars == set(), "documented but never read in lawgov/settings.py"
    assert settings_vars - docs == set(), "read in lawgov/settings.py but missing from docs/configuration.md"
    assert {"LAWGOV_REPORT_JOB_TIMEOUT", "LAWGOV_REPORT_QUEUE"} <= settings_vars


def test_only_the_settings_module_reads_the_environment_and_code_reads_settings_plainly():
    offenders = []
    for path in python_files():
        if path.name == "settings.py":
            continue
        source = path.read_text(encoding="utf-8")
        if re.search(r"""os\.environ(?:\.get)?[\[(]\s*["']LAWGOV_""", source):
            offenders.append(f"{path.relative_to(ROOT)} reads LAWGOV_* from os.environ")
        if re.search(r"""getattr\(\s*settings\s*,\s*["']LAWGOV_""", source):
            offenders.append(f"{path.relative_to(ROOT)} reads a LAWGOV_ setting through getattr with a fallback")
    assert offenders == []


def test_every_documented_setting_that_code_reads_exists(settings):
    """A name the code reads as settings.LAWGOV_X is defined (no silent AttributeError in a rare path)."""
    used = {name for path in python_files() for name in re.findall(r"settings\.(LAWGOV_[A-Z0-9_]+)", path.read_text())}
    missing = [name for name in sorted(used) if not hasattr(settings, name)]
    assert missing == []


def test_a_yes_no_variable_that_is_neither_stops_start_up():
    """Through a real start-up once (the message reaches the operator), the other variables in-process."""
    result = manage("check", env={**PROD_ENV, "LAWGOV_SSL_REDIRECT": "flase"})
    assert result.returncode != 0
    assert "LAWGOV_SSL_REDIRECT" in result.stderr and "neither true nor false" in result.stderr


@pytest.mark.parametrize("variable", ["LAWGOV_DEBUG", "LAWGOV_SSL_REDIRECT", "LAWGOV_PG_SERVER_BINDING"])
def test_env_bool_refuses_a_typo_and_names_the_variable(monkeypatch, variable):
    monkeypatch.setenv(variable, "flase")
    with pytest.raises(ImproperlyConfigured, match=f"{variable}='flase' is neither true nor false"):
        env_bool(variable)


@pytest.mark.parametrize(
    ("word", "meaning"),
    [("0", False), ("off", False), ("no", False), ("FALSE", False), (" on ", True), ("1", True), ("yes", True)],
)
def test_the_usual_yes_no_words_are_accepted(monkeypatch, word, meaning):
    monkeypatch.setenv("LAWGOV_SSL_REDIRECT", word)
    assert env_bool("LAWGOV_SSL_REDIRECT", not meaning) is meaning


def test_an_empty_yes_no_variable_takes_the_default(monkeypatch):
    monkeypatch.setenv("LAWGOV_SSL_REDIRECT", "")
    assert env_bool("LAWGOV_SSL_REDIRECT", True) is True
