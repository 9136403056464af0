from django.urls import path

from specs_app.views import browse, imports, markdown, members

app_name = "specs_app"

urlpatterns = [
    path("", browse.workspace_list, name="workspace_list"),
    path("w/<slug:ws>/", browse.spec_list, name="spec_list"),
    path("w/<slug:ws>/members/", members.member_list, name="members"),
    path("w/<slug:ws>/import/", imports.spec_import_page, name="spec_import"),
    path("w/<slug:ws>/members/add/", members.member_add, name="member_add"),
    path("w/<slug:ws>/members/<int:membership_id>/role/", members.member_role, name="member_role"),
    path(
        "w/<slug:ws>/members/<int:membership_id>/remove/",
        members.member_remove,
        name="member_remove",
    ),
    path("w/<slug:ws>/s/<slug:spec>/", browse.spec_detail, name="spec_detail"),
    path(
        "w/<slug:ws>/s/<slug:spec>/endpoints/<uuid:uid>/",
        browse.endpoint_detail,
        name="endpoint_detail",
    ),
    path("w/<slug:ws>/s/<slug:spec>/models/<uuid:uid>/", browse.model_detail, name="model_detail"),
    path("w/<slug:ws>/s/<slug:spec>/markdown/", markdown.revision_markdown, name="markdown"),
    path(
        "w/<slug:ws>/s/<slug:spec>/markdown/<str:which>/download/",
        markdown.markdown_download,
        name="markdown_download",
    ),
]
