# Notification moves here from the tasks app, in state only: the table created by tasks 0001
# ("tasks_notification") stays where it is with its rows, and the model names it in Meta.db_table.
# The kinds are no longer in the migrations: ``choices`` is a callable over the kinds the apps register
# (lawgov.notifications), so a new kind needs no migration.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import lawgov.notifications


def content_type_to_lawgov(apps, schema_editor):
    """Keep the content type (and with it the permissions and admin log entries) of the moved model."""
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label='lawgov', model='notification').exists():
        ContentType.objects.using(db).filter(app_label='tasks', model='notification').update(app_label='lawgov')


def content_type_to_tasks(apps, schema_editor):
    ContentType = apps.get_model('contenttypes', 'ContentType')
    db = schema_editor.connection.alias
    if not ContentType.objects.using(db).filter(app_label='tasks', model='notification').exists():
        ContentType.objects.using(db).filter(app_label='lawgov', model='notification').update(app_label='tasks')


class Migration(migrations.Migration):

    dependencies = [
        ('lawgov', '0002_job'),
        # The table exists and tasks has let go of the model in state.
        ('tasks', '0003_notification_moves_to_lawgov'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=lawgov.notifications.kind_choices, max_length=20)),
                        ('key', models.CharField(max_length=200)),
                        ('title', models.CharField(max_length=200)),
                        ('body', models.TextField(blank=True)),
                        ('url', models.CharField(blank=True, max_length=300)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('read_at', models.DateTimeField(blank=True, null=True)),
                        ('emailed_at', models.DateTimeField(blank=True, null=True)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': '通知',
                        'verbose_name_plural': '通知',
                        'db_table': 'tasks_notification',
                        'ordering': ['-created_at'],
                        'indexes': [models.Index(fields=['user', 'read_at'], name='tasks_notif_user_id_db02dd_idx')],
                        'constraints': [models.UniqueConstraint(fields=('user', 'key'), name='notification_unique_key')],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_type_to_lawgov, content_type_to_tasks),
    ]
