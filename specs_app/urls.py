from django.urls import path

from specs_app.views import (
    browse,
    editor,
    history,
    impact,
    imports,
    inbox,
    markdown,
    members,
    merge_rules,
    review,
)
from specs_app.views import exports as export_views
from specs_app.views import lint as lint_views

app_name = "specs_app"

urlpatterns = [
    path("", browse.workspace_list, name="workspace_list"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read/", inbox.inbox_mark_all_read, name="inbox_mark_all_read"),
    path("inbox/settings/", inbox.notification_settings, name="notification_settings"),
    path(
        "inbox/<int:notification_id>/open/",
        inbox.notification_open_view,
        name="notification_open",
    ),
    path("w/<slug:ws>/", browse.spec_list, name="spec_list"),
    path("w/<slug:ws>/members/", members.member_list, name="members"),
    path("w/<slug:ws>/people/<str:username>/", members.member_detail, name="member_detail"),
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
    path("w/<slug:ws>/s/<slug:spec>/ddl/", impact.revision_ddl, name="ddl"),
    path(
        "w/<slug:ws>/s/<slug:spec>/ddl/download/", impact.revision_ddl_download, name="ddl_download"
    ),
    path("w/<slug:ws>/s/<slug:spec>/lint/rules/", lint_views.lint_rules, name="lint_rules"),
    path(
        "w/<slug:ws>/s/<slug:spec>/settings/lint/", lint_views.lint_settings, name="lint_settings"
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/settings/lint/risks/",
        lint_views.risk_settings,
        name="risk_settings",
    ),
    path("w/<slug:ws>/s/<slug:spec>/settings/merge/", merge_rules.merge_rules, name="merge_rules"),
    path("w/<slug:ws>/activity/", history.workspace_activity, name="activity"),
    path("w/<slug:ws>/s/<slug:spec>/history/", history.spec_history, name="history"),
    path("w/<slug:ws>/s/<slug:spec>/compare/", history.spec_compare, name="compare"),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/",
        editor.editor_home,
        name="editor_home",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/overview/",
        editor.overview_save,
        name="editor_overview",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/rows/<str:kind>/add/<str:parent_kind>/<uuid:parent_uid>/",
        editor.row_add,
        name="editor_row_add",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/rows/<str:kind>/<uuid:uid>/",
        editor.row_save,
        name="editor_row_save",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/rows/<str:kind>/<uuid:uid>/delete/",
        editor.row_delete,
        name="editor_row_delete",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/rows/<str:kind>/<uuid:uid>/move/",
        editor.row_move,
        name="editor_row_move",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/<str:kind>/add/",
        editor.item_add,
        name="editor_item_add",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/<str:kind>/<uuid:uid>/",
        editor.editor_item,
        name="editor_item",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/<str:kind>/<uuid:uid>/save/",
        editor.item_save,
        name="editor_item_save",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/<str:kind>/<uuid:uid>/delete/",
        editor.item_delete,
        name="editor_item_delete",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/<str:kind>/<uuid:uid>/restore/",
        editor.item_restore,
        name="editor_item_restore",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/edit/<str:kind>/<uuid:uid>/<str:action>/",
        editor.item_action,
        name="editor_item_action",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/new/",
        review.change_request_new,
        name="change_request_new",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/",
        review.change_request_detail,
        name="change_request",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/migration.sql",
        impact.change_request_sql_download,
        name="change_request_sql",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/submit/",
        review.change_request_submit_view,
        name="change_request_submit",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/review/",
        review.change_request_review_view,
        name="change_request_review",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/reviewers/",
        review.change_request_request_review_view,
        name="change_request_request_review",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/reviewers/remove/",
        review.change_request_remove_review_request_view,
        name="change_request_remove_review_request",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/reviews/<int:review_id>/dismiss/",
        review.review_dismiss_view,
        name="review_dismiss",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/stakes/acknowledge/",
        review.change_request_acknowledge_stakes_view,
        name="change_request_acknowledge_stakes",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/comment/",
        review.change_request_comment_view,
        name="change_request_comment",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/comments/<int:comment_id>/resolve/",
        review.comment_resolve_view,
        name="comment_resolve",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/comments/<int:comment_id>/edit/",
        review.comment_edit_view,
        name="comment_edit",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/comments/<int:comment_id>/delete/",
        review.comment_delete_view,
        name="comment_delete",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/comments/<int:comment_id>/reply/",
        review.comment_reply_view,
        name="comment_reply",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/comments/<int:comment_id>/apply/",
        review.comment_apply_view,
        name="comment_apply",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/close/",
        review.change_request_close_view,
        name="change_request_close",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/reopen/",
        review.change_request_reopen_view,
        name="change_request_reopen",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/merge/",
        review.change_request_merge_view,
        name="change_request_merge",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/update/",
        review.change_request_update,
        name="change_request_update",
    ),
    path("w/<slug:ws>/s/<slug:spec>/exports/", export_views.exports_page, name="exports"),
    path("w/<slug:ws>/s/<slug:spec>/exports/now/", export_views.export_now, name="export_now"),
    path(
        "w/<slug:ws>/s/<slug:spec>/exports/<int:export_id>/retry/",
        export_views.export_retry,
        name="export_retry",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/exports/import/",
        export_views.export_import,
        name="export_import",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/settings/git/",
        export_views.git_target_settings,
        name="git_target",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/markdown/<str:which>/download/",
        markdown.markdown_download,
        name="markdown_download",
    ),
    path(
        "w/<slug:ws>/s/<slug:spec>/changes/<int:number>/viewed/",
        review.change_request_item_viewed,
        name="change_request_item_viewed",
    ),
]
