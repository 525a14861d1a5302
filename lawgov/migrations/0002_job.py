# The kernel's background job (lawgov.background); reports.ReportJob extends it (reports 0002).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lawgov", "0001_initial"),
    ]

    operations = [
        migrations.CreateModel(
            name="Job",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("kind", models.CharField(max_length=40, verbose_name="类型")),
                ("subject", models.CharField(blank=True, max_length=100, verbose_name="对象")),
                (
                    "status",
                    models.CharField(
                        choices=[("queued", "排队中"), ("running", "进行中"), ("succeeded", "已完成"), ("failed", "失败")],
                        default="queued",
                        max_length=20,
                        verbose_name="状态",
                    ),
                ),
                ("stage", models.CharField(default="queued", max_length=30, verbose_name="阶段")),
                ("progress", models.PositiveSmallIntegerField(default=0, verbose_name="进度(%)")),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("started_at", models.DateTimeField(blank=True, null=True)),
                ("heartbeat_at", models.DateTimeField(blank=True, null=True)),
                ("finished_at", models.DateTimeField(blank=True, null=True)),
                ("attempts", models.PositiveIntegerField(default=0)),
                ("celery_id", models.CharField(blank=True, max_length=100)),
                ("claim", models.CharField(blank=True, max_length=40)),
                ("error", models.TextField(blank=True, verbose_name="失败原因")),
                (
                    "requested_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "后台任务",
                "verbose_name_plural": "后台任务",
                "ordering": ["-created_at", "-id"],
                "constraints": [
                    models.UniqueConstraint(
                        condition=models.Q(("status__in", ["queued", "running"]), models.Q(("subject", ""), _negated=True)),
                        fields=("subject",),
                        name="job_one_active_per_subject",
                    )
                ],
            },
        ),
    ]
