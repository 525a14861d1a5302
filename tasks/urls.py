from django.urls import path

from tasks import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/reports/", views.report_create, name="report-create"),
    path("<int:pk>/sign/", views.task_sign, name="sign"),
    path("sign/", views.tasks_sign, name="sign-all"),
    path("urge/", views.task_urge, name="urge"),
    path("urge/units/", views.units_urge, name="urge-units"),
    path("<int:pk>/reopen/", views.task_reopen, name="reopen"),
    path("<int:pk>/extensions/", views.extension_create, name="extension-create"),
    path("<int:pk>/extensions/grant/", views.extension_grant, name="extension-grant"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension-decide"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report-edit"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:pk>/withdraw/", views.report_withdraw, name="report-withdraw"),
    path("reports/<int:pk>/review/", views.report_review, name="report-review"),
    path("reports/<int:pk>/delete/", views.report_delete, name="report-delete"),
    path("reports/<int:pk>/restore/", views.report_restore, name="report-restore"),
    path("review/", views.review_queue, name="review-queue"),
    path("review/next/", views.review_next, name="review-next"),
    path("review/batch/", views.review_batch, name="review-batch"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("plans/<int:pk>/", views.plan_progress, name="plan"),
    path("plans/<int:pk>/export.xlsx", views.plan_export, name="plan-export"),
    path("plans/<int:pk>/import/", views.plan_import_progress, name="plan-import"),
    path("plans/imports/<int:pk>/", views.plan_import_progress_preview, name="plan-import-preview"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/<int:pk>/", views.notification_open, name="notification-open"),
    path("notifications/bell/", views.bell, name="bell"),
]
