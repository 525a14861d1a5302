# The second half of 0002: the old report job table goes, the new one takes its name.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_reportjob_next"),
    ]

    operations = [
        migrations.RemoveField(model_name="reportversion", name="job"),
        migrations.DeleteModel(name="ReportJob"),
        migrations.RenameModel(old_name="ReportJobNext", new_name="ReportJob"),
        migrations.RenameField(model_name="reportversion", old_name="job_next", new_name="job"),
        migrations.AlterField(
            model_name="reportjob",
            name="report",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="jobs", to="reports.annualreport"
            ),
        ),
    ]
