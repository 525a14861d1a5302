"""manage.py import_plan: JSON for every seed, exit code 2 with one line for bad input."""

import json
import re
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


def _truncated_pdf() -> bytes:
    from tests.plans.test_formats import many_pages_pdf

    whole = many_pages_pdf(3)
    return whole[: len(whole) // 2]


def _many_pages_pdf() -> bytes:
    from tests.plans.test_formats import many_pages_pdf

    return many_pages_pdf(500)


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"", "empty.txt", "文件为空"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image.docx", "Word"),
        # Issue 13's bad-input list, end to end: a truncated PDF (in Chinese only, no PDFium English), a
        # 500-page PDF, a document with no outline.
        (_truncated_pdf, "truncated.pdf", "PDF文件已损坏或不完整"),
        (_many_pages_pdf, "500.pdf", "PDF共500页,超过300页的上限"),
        ("关于做好有关工作的说明\n各单位要高度重视,认真做好相关工作。\n".encode(), "note.txt", "没有找到可识别的任务"),
    ],
    ids=["empty", "image-as-docx", "truncated-pdf", "500-pages", "no-outline"],
)
def test_bad_input_exits_2_with_one_line(tmp_path, content, filename, expected):
    content = content() if callable(content) else content
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
    assert "Traceback" not in result.stderr and not result.stdout.strip()
    message = lines[0].split(f"{filename}:", 1)[-1]
    # Chinese for people: file extensions and format names (.docx, PDF, PNG) but no library's English.
    assert not re.search(r"(?<![.\w])[A-Za-z]*[a-z]{4,}", message), message
