# The working-day calendar moved to the kernel (lawgov.models.CalendarDay), so that plans can count
# "N个工作日内" too. Only the state moves: the tables keep their names ("tasks_calendarday",
# "tasks_historicalcalendarday", the models' Meta.db_table) and their rows; lawgov 0006 takes the models over.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('tasks', '0012_progressreport_delete_reason'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name='historicalcalendarday', name='history_user'),
                migrations.RemoveField(model_name='historicalcalendarday', name='jurisdiction'),
                migrations.DeleteModel(name='CalendarDay'),
                migrations.DeleteModel(name='HistoricalCalendarDay'),
            ],
            database_operations=[],
        ),
    ]
