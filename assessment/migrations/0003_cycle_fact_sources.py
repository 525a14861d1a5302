"""Which platform fact informs which rubric rule becomes the cycle's own data (editable by the legal office),
filled for existing cycles from what the rubric import recognised."""

from django.db import migrations, models


def fill_from_rules(apps, schema_editor):
    AssessmentCycle = apps.get_model("assessment", "AssessmentCycle")
    Rule = apps.get_model("assessment", "Rule")
    for cycle in AssessmentCycle.objects.all():
        rules = Rule.objects.filter(
            rubric_id__in=[cycle.department_rubric_id, cycle.township_rubric_id], item__isnull=False
        )
        cycle.fact_sources = {str(r.pk): r.params["source"] for r in rules if (r.params or {}).get("source")}
        cycle.save(update_fields=["fact_sources"])


class Migration(migrations.Migration):
    dependencies = [("assessment", "0002_unsubmitted_state")]

    operations = [
        migrations.AddField(
            model_name="assessmentcycle",
            name="fact_sources",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="规则编号 → 平台数据(如每月报送的进展信息条数):哪条评分规则参考哪项平台数据,法制办可修改或取消。",
                verbose_name="平台数据对应的评分规则",
            ),
        ),
        migrations.AddField(
            model_name="historicalassessmentcycle",
            name="fact_sources",
            field=models.JSONField(
                blank=True,
                default=dict,
                help_text="规则编号 → 平台数据(如每月报送的进展信息条数):哪条评分规则参考哪项平台数据,法制办可修改或取消。",
                verbose_name="平台数据对应的评分规则",
            ),
        ),
        migrations.AlterField(
            model_name="itemscore",
            name="review_comment",
            field=models.TextField(blank=True, verbose_name="核定依据"),
        ),
        migrations.AlterField(
            model_name="historicalitemscore",
            name="review_comment",
            field=models.TextField(blank=True, verbose_name="核定依据"),
        ),
        migrations.RunPython(fill_from_rules, migrations.RunPython.noop),
    ]
