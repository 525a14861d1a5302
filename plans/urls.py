from django.urls import path

from plans import views

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("clauses/<int:pk>/assign/", views.clause_assign, name="clause-assign"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment-remove"),
    path("units/<int:pk>/", views.unit_tasks, name="unit-tasks"),
    path("import/", views.import_upload, name="import"),
    path("import/<int:pk>/", views.import_preview, name="import-preview"),
    path("import/jobs/<int:pk>/", views.import_job, name="import-job"),
    path("import/<int:pk>/corrections/", views.import_correct, name="import-correct"),
    path(
        "import/<int:pk>/corrections/<int:correction_pk>/undo/",
        views.import_correction_undo,
        name="import-correction-undo",
    ),
]
