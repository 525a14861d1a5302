from django.urls import path

from assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.home, name="home"),
    path("rubrics/import/", views.rubric_import, name="rubric-import"),
    path("rubrics/<int:pk>/", views.rubric_detail, name="rubric"),
    path("rubrics/<int:pk>/export.xlsx", views.rubric_export, name="rubric-export"),
    path("cycles/new/", views.cycle_create, name="cycle-create"),
    path("cycles/<int:pk>/", views.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/edit/", views.cycle_edit, name="cycle-edit"),
    path("cycles/<int:pk>/extend/", views.cycle_extend, name="cycle-extend"),
    path("cycles/<int:pk>/queue/", views.review_queue, name="queue"),
    path("cycles/<int:pk>/ranking/", views.ranking, name="ranking"),
    path("cycles/<int:pk>/approve/", views.cycle_approve, name="approve"),
    path("cycles/<int:pk>/unsubmitted/", views.unsubmitted_batch, name="unsubmitted"),
    path("cycles/<int:pk>/summary.xlsx", views.cycle_summary, name="summary"),
    path("submissions/<int:pk>/", views.submission_detail, name="submission"),
    path("submissions/<int:pk>/preview/", views.submission_preview, name="preview"),
    path("submissions/<int:pk>/submit/", views.submission_submit, name="submit"),
    path("submissions/<int:pk>/review/", views.submission_review, name="review"),
    path("submissions/<int:pk>/review/preview/", views.review_preview, name="review-preview"),
    path("submissions/<int:pk>/return/", views.submission_return, name="return"),
    path("submissions/<int:pk>/sheet.xlsx", views.submission_sheet_xlsx, name="sheet"),
    path("submissions/<int:pk>/statement.docx", views.submission_statement, name="statement"),
    path("submissions/<int:pk>/summary-file/", views.summary_file, name="summary-file"),
    path("submissions/<int:pk>/cited/<int:evidence_pk>/", views.cited_evidence, name="cited-evidence"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
]
