from django.urls import path

from plans import views, views_division

app_name = "plans"

urlpatterns = [
    path("", views.plan_list, name="list"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("<int:pk>/division.xlsx", views_division.division_export, name="division-export"),
    path("<int:pk>/division/", views_division.division_upload, name="division-import"),
    path("division/<int:pk>/", views_division.division_preview, name="division-preview"),
    path("division/<int:pk>/confirm/", views_division.division_confirm, name="division-confirm"),
    path("division/<int:pk>/recheck/", views_division.division_recheck, name="division-recheck"),
    path("clauses/<int:pk>/assign/", views.clause_assign, name="clause-assign"),
    path("assignments/<int:pk>/remove/", views.assignment_remove, name="assignment-remove"),
    path("units/<int:pk>/", views.unit_tasks, name="unit-tasks"),
    path("<int:pk>/bulk/", views.plan_bulk, name="bulk"),
    path("units/search/", views.unit_search, name="unit-search"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("tasks/<int:pk>/head/", views.task_head, name="task-head"),
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
