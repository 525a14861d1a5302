# The working-day calendar moves here from the tasks app, in state only: the tables created by tasks 0004
# ("tasks_calendarday" and its history "tasks_historicalcalendarday") stay where they are with their rows, and
# the models name them in Meta.db_table. As for Notification (lawgov 0003), the content types move too, so
# permissions and admin log entries keep pointing at the model.

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models



def content_types_to_lawgov(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    for model in ('calendarday', 'historicalcalendarday'):
        if not ContentType.objects.using(db).filter(app_label='lawgov', model=model).exists():
            ContentType.objects.using(db).filter(app_label='tasks', model=model).update(app_label='lawgov')


def content_types_to_tasks(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    for model in ('calendarday', 'historicalcalendarday'):
        if not ContentType.objects.using(db).filter(app_label='tasks', model=model).exists():
            ContentType.objects.using(db).filter(app_label='lawgov', model=model).update(app_label='tasks')


class Migration(migrations.Migration):

    dependencies = [
        ('lawgov', '0005_role_phrase_units_become_groups'),
        # The tables exist and tasks has let go of the models in state.
        ('tasks', '0013_calendar_moves_to_lawgov'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='HistoricalCalendarDay',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='日期')),
                        ('kind', models.CharField(choices=[('holiday', '放假'), ('workday', '调休上班')], max_length=10, verbose_name='类别')),
                        ('name', models.CharField(help_text='如 春节、国庆节调休', max_length=40, verbose_name='名称')),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('jurisdiction', models.ForeignKey(blank=True, db_constraint=False, help_text='留空:全国统一安排', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='lawgov.unit', verbose_name='辖区')),
                    ],
                    options={
                        'verbose_name': 'historical 节假日与调休',
                        'verbose_name_plural': 'historical 节假日与调休',
                        'db_table': 'tasks_historicalcalendarday',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='CalendarDay',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('date', models.DateField(verbose_name='日期')),
                        ('kind', models.CharField(choices=[('holiday', '放假'), ('workday', '调休上班')], max_length=10, verbose_name='类别')),
                        ('name', models.CharField(help_text='如 春节、国庆节调休', max_length=40, verbose_name='名称')),
                        ('jurisdiction', models.ForeignKey(blank=True, help_text='留空:全国统一安排', null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='lawgov.unit', verbose_name='辖区')),
                    ],
                    options={
                        'verbose_name': '节假日与调休',
                        'verbose_name_plural': '节假日与调休',
                        'db_table': 'tasks_calendarday',
                        'ordering': ['date'],
                        'constraints': [models.UniqueConstraint(condition=models.Q(('jurisdiction__isnull', True)), fields=('date',), name='calendarday_unique_national'), models.UniqueConstraint(condition=models.Q(('jurisdiction__isnull', False)), fields=('jurisdiction', 'date'), name='calendarday_unique_local')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_to_lawgov, content_types_to_tasks),
    ]
