"""Import rubrics (and responsibility statements) into a jurisdiction from a document's annexes or an
.xlsx, as the legal office's upload page does: all or nothing, sums checked."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from assessment import services
from lawgov.models import JURISDICTION_KINDS, SYSTEM, Unit


class Command(BaseCommand):
    help = "导入考核评分细则:带附件的工作安排(.txt/.docx/.html)或评分细则表(.xlsx)。"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--jurisdiction", required=True, help="辖区名称,如 昭化区")
        parser.add_argument("--year", type=int, help=".xlsx:年度")
        parser.add_argument("--unit-kind", choices=["department", "township"], help=".xlsx:适用单位")
        parser.add_argument("--title", help=".xlsx:标题")

    def handle(self, *args, **opts):
        path = Path(opts["path"])
        if not path.exists():
            raise CommandError(f"文件不存在:{path}")
        jurisdiction = Unit.objects.active().filter(name=opts["jurisdiction"], kind__in=JURISDICTION_KINDS).first()
        if jurisdiction is None:
            raise CommandError(f"没有名为“{opts['jurisdiction']}”的辖区。")
        try:
            if path.suffix.lower() == ".xlsx":
                rubric = services.rubric_import_xlsx(
                    data=path.read_bytes(),
                    jurisdiction=jurisdiction,
                    by=SYSTEM,
                    year=opts.get("year"),
                    unit_kind=opts.get("unit_kind"),
                    title=opts.get("title"),
                    filename=path.name,
                )
                self.stdout.write(f"已导入:{rubric.title}")
                return
            outcome = services.rubric_import_document(
                data=path.read_bytes(), filename=path.name, jurisdiction=jurisdiction, by=SYSTEM
            )
        except services.AssessmentError as exc:
            raise CommandError(exc.message) from exc
        for rubric in outcome.rubrics:
            self.stdout.write(f"已导入评分细则:{rubric.title}({rubric.items.count()}项)")
        for statement in outcome.statements:
            self.stdout.write(f"已导入目标责任书:{statement.title}")
        for title in outcome.unchanged:
            self.stdout.write(f"已存在,未变化:{title}")
        for warning in outcome.warnings:
            self.stdout.write(f"提示:{warning}")
