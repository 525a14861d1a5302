# Notification moved to the kernel (lawgov.models.Notification). Only the state moves: the table keeps its
# name ("tasks_notification", the model's Meta.db_table) and its rows; lawgov 0003 takes the model over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0002_notification_assessment_kinds'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Notification')],
            database_operations=[],
        ),
    ]
