from django.urls import path

from reports import annual_views, views

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    # Annual reports (法治政府建设情况报告) and yearly figures (统计数据).
    path("reports/", annual_views.annual_list, name="annual-list"),
    path("reports/generate/", annual_views.annual_generate, name="annual-generate"),
    path("reports/wording/", annual_views.annual_wording, name="annual-wording"),
    path("reports/settings/", annual_views.annual_settings, name="annual-settings"),
    path("reports/themes/", annual_views.annual_themes, name="annual-themes"),
    path("reports/<int:jurisdiction_id>/<int:year>/", annual_views.annual_detail, name="annual-detail"),
    path("reports/<int:jurisdiction_id>/<int:year>/job/", annual_views.annual_job, name="annual-job"),
    path(
        "reports/<int:jurisdiction_id>/<int:year>/edit/<slug:section_key>/",
        annual_views.annual_section_edit,
        name="annual-section-edit",
    ),
    path("reports/<int:jurisdiction_id>/<int:year>/diff/<int:number>/", annual_views.annual_diff, name="annual-diff"),
    path(
        "reports/<int:jurisdiction_id>/<int:year>/v<int:number>.<str:fmt>",
        annual_views.annual_download,
        name="annual-download",
    ),
    path(
        "reports/<int:jurisdiction_id>/<int:year>/published.docx",
        annual_views.annual_published,
        name="annual-published",
    ),
    path("reports/<int:jurisdiction_id>/<int:year>/publish/", annual_views.annual_publish, name="annual-publish"),
    path("reports/<int:jurisdiction_id>/<int:year>/restore/", annual_views.annual_restore, name="annual-restore"),
    # The one page without login: a published report, for the government website to link to.
    path("public/reports/<int:jurisdiction_id>/<int:year>/", annual_views.public_report, name="public-report"),
    path(
        "public/reports/<int:jurisdiction_id>/<int:year>/report.pdf",
        annual_views.public_report_pdf,
        name="public-report-pdf",
    ),
    path("figures/", annual_views.figures_home, name="figures-home"),
    path("figures/indicators/", annual_views.figures_indicators, name="figures-indicators"),
    path("figures/<int:jurisdiction_id>/<int:year>/", annual_views.figures_year, name="figures-year"),
    path("figures/values/<int:pk>/delete/", annual_views.figures_delete, name="figures-delete"),
]
