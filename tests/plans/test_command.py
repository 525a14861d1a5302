"""manage.py import_plan: JSON for every seed, exit code 2 with one line for bad input."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from plans.models import Plan
from tests.plans.conftest import DAXING, GUANGZHOU, NANHAI, PANYU, SEEDS, ZHAOHUA

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "kind", "tasks"),
    [
        (PANYU, "plan", 38),
        (DAXING, "plan", 43),
        (NANHAI, "plan", 23),
        (ZHAOHUA, "plan", 20),
        (GUANGZHOU, "report", 0),
    ],
)
def test_json_for_every_seed(name, kind, tasks):
    out = StringIO()
    call_command("import_plan", str(SEEDS / name), "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["kind"] == kind
    assert len(data["tasks"]) == tasks
    for key in ("title", "doc_number", "issuer", "issued", "period", "sections", "requirements", "warnings"):
        assert key in data


def test_import_and_dry_run(demo):
    out = StringIO()
    call_command("import_plan", str(SEEDS / NANHAI), "--jurisdiction", "南海区", "--dry-run", stdout=out)
    assert "23 项任务" in out.getvalue() and not Plan.objects.exists()
    call_command("import_plan", str(SEEDS / NANHAI), "--jurisdiction", "南海区", stdout=StringIO())
    assert Plan.objects.get().tasks.count() == 23


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [(b"", "empty.txt", "文件为空"), (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image.docx", "Word")],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, filename, expected):
    path = tmp_path / filename
    path.write_bytes(content)
    result = subprocess.run(
        [sys.executable, "manage.py", "import_plan", str(path), "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and expected in lines[0]
