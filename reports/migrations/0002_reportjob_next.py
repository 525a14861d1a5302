# ReportJob becomes the report's side of a kernel lawgov.Job (multi-table inheritance): the job's life moves
# to lawgov_job, which report and which version stay here. Every existing job is kept: a Job row and a new
# ReportJob row are made from each old one, and the versions point at the new rows.
#
# The new model is built as ReportJobNext beside the old table and renamed once the old one is gone, so no
# table or index name is ever taken twice (PostgreSQL keeps index names across a table rename). The old
# table goes in 0003: PostgreSQL does not alter a table with pending trigger events in the same transaction.

import django.db.models.deletion
from django.db import migrations, models

STAGE_PERCENT = {"queued": 5, "gathering": 25, "writing": 55, "rendering": 80, "done": 100}
JOB_FIELDS = (
    "status",
    "stage",
    "requested_by_id",
    "started_at",
    "heartbeat_at",
    "finished_at",
    "attempts",
    "celery_id",
    "claim",
    "error",
)


def _check_now(schema_editor):
    # Foreign keys are checked at once, so that PostgreSQL may alter the tables after the copy (it refuses
    # to ALTER a table with deferred trigger events pending in the same transaction).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def forward(apps, schema_editor):
    _check_now(schema_editor)
    Old = apps.get_model("reports", "ReportJob")
    New = apps.get_model("reports", "ReportJobNext")
    Job = apps.get_model("lawgov", "Job")
    ReportVersion = apps.get_model("reports", "ReportVersion")
    for old in Old.objects.order_by("id").iterator():
        new = New.objects.create(
            kind="annual_report",
            subject=f"annual_report:{old.report_id}",
            progress=STAGE_PERCENT.get(old.stage, 0),
            report_id=old.report_id,
            theme_list_id=old.theme_list_id,
            version_id=old.version_id,
            **{name: getattr(old, name) for name in JOB_FIELDS},
        )
        Job.objects.filter(pk=new.pk).update(created_at=old.created_at)  # auto_now_add set it to now
        ReportVersion.objects.filter(job_id=old.pk).update(job_next_id=new.pk)


def backward(apps, schema_editor):
    _check_now(schema_editor)
    Old = apps.get_model("reports", "ReportJob")
    New = apps.get_model("reports", "ReportJobNext")
    ReportVersion = apps.get_model("reports", "ReportVersion")
    for new in New.objects.order_by("pk").iterator():
        old = Old.objects.create(
            report_id=new.report_id,
            theme_list_id=new.theme_list_id,
            version_id=new.version_id,
            **{name: getattr(new, name) for name in JOB_FIELDS},
        )
        Old.objects.filter(pk=old.pk).update(created_at=new.created_at)
        ReportVersion.objects.filter(job_next_id=new.pk).update(job_id=old.pk)
        new.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lawgov", "0002_job"),
        ("reports", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="ReportJobNext",
            fields=[
                (
                    "job_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="lawgov.job",
                    ),
                ),
                (
                    "report",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE, related_name="+", to="reports.annualreport"
                    ),
                ),
                (
                    "theme_list",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="reports.themelist",
                    ),
                ),
                (
                    "version",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="reports.reportversion",
                    ),
                ),
            ],
            options={
                "verbose_name": "报告生成任务",
                "verbose_name_plural": "报告生成任务",
                "ordering": ["-created_at", "-id"],
            },
            bases=("lawgov.job",),
        ),
        migrations.AddField(
            model_name="reportversion",
            name="job_next",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="reports.reportjobnext",
            ),
        ),
        migrations.RunPython(forward, backward),
    ]
