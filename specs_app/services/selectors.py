"""The read side: what the pages show of a revision or a change request, computed here once so
that views only pick it up and render it (and a future API gets the same data).

Selectors change nothing and check no role: the caller has already fetched the spec or the
request through access.py.
"""

from dataclasses import dataclass

from specs_app.models import AuditEvent, ChangeRequest, Comment, DataModel, Endpoint, Revision
from specs_app.services.anchors import (
    ITEM_MODELS,
    MODELS_BY_NAME,
    anchored_text,
    commentable_fields,
    field_label,
)
from specs_app.services.cache import remembered
from specs_app.services.diff import group_by_item, label_groups, markdown_diff, revision_diff
from specs_app.services.lint import (
    Finding,
    LintReport,
    LintSettings,
    lint_draft,
    lint_report,
    lint_revision,
    lint_settings_load,
)
from specs_app.services.render import markdown_to_safe_html
from specs_app.services.snapshot import label

# Lint findings.


def revision_lint_report(revision: Revision) -> LintReport:
    """The findings of a published revision, grouped by page (computed once per revision)."""
    return lint_report(lint_revision(revision, lint_settings_load(spec_id=revision.spec_id)))


def draft_findings(
    change_request: ChangeRequest, settings: LintSettings | None = None
) -> list[Finding]:
    """The findings of the request's draft as of its last edit (under `settings`, the spec's
    own when not given)."""
    cr = change_request
    if settings is None:
        settings = lint_settings_load(spec_id=cr.spec_id)
    return lint_draft(cr.working, cr.content_version, settings)


def item_findings(change_request: ChangeRequest, item: Endpoint | DataModel) -> list[Finding]:
    """The draft's findings on the page of one endpoint or model (its children included)."""
    uid = str(item.uid)
    return [f for f in draft_findings(change_request) if str(f.item.page_uid) == uid]


def change_request_checks(change_request: ChangeRequest) -> dict:
    """The Checks tab: the draft's findings, and how many are new or fixed against the base."""
    cr = change_request
    settings = lint_settings_load(spec_id=cr.spec_id)
    findings = draft_findings(cr, settings)
    before = {_finding_key(f) for f in lint_revision(cr.base, settings)} if cr.base else set()
    after = {_finding_key(f) for f in findings}
    return {
        "findings": findings,
        "new_findings": len(after - before),
        "fixed_findings": len(before - after),
    }


def _finding_key(finding: Finding) -> tuple:
    return (finding.rule, str(finding.item_uid), finding.message)


# Diffs.


def revision_comparison(old: Revision, new: Revision) -> dict:
    """The diff of two published revisions by item and as markdown; they never change, so it is
    computed once."""

    def compare() -> dict:
        return {"groups": _labelled_diff(old, new), "files": markdown_diff(old=old, new=new)}

    return remembered(("compare", old.pk, new.pk), compare)


def change_request_changes(change_request: ChangeRequest) -> dict:
    """The Changes tab: the diff by item and the markdown diff against the request's base (as
    of its last edit), and the items its draft deleted, which an open request can restore."""
    cr = change_request
    parts = ("changes", cr.base_id, cr.working_id, cr.content_version)
    changes = remembered(parts, lambda: _draft_diff(cr))
    deleted = change_request_deleted_items(cr) if cr.is_open else []
    return {**changes, "deleted_items": deleted}


def _draft_diff(cr: ChangeRequest) -> dict:
    base = cr.base
    groups = group_by_item(revision_diff(old=base, new=cr.working)) if base else []
    label_groups(groups, revision=cr.working)
    files = []
    if base:
        labels = {"old_label": f"base {base.label}", "new_label": f"change request #{cr.number}"}
        files = markdown_diff(old=base, new=cr.working, **labels)
    return {"groups": groups, "files": files}


def _labelled_diff(old: Revision, new: Revision) -> list[dict]:
    groups = group_by_item(revision_diff(old=old, new=new))
    label_groups(groups, revision=new)
    return groups


@dataclass
class DeletedItem:
    kind: str  # "endpoint" or "model", as in the editor's URLs
    uid: object
    name: str
    detail: str  # method and path, or table


def change_request_deleted_items(change_request: ChangeRequest) -> list[DeletedItem]:
    """The endpoints and models of the request's base that its draft no longer has (two
    queries, whatever the size of the spec)."""
    cr = change_request
    if cr.base_id is None:
        return []
    items = []
    for kind, model in (("endpoint", Endpoint), ("model", DataModel)):
        kept = model.objects.filter(revision_id=cr.working_id).values("uid")
        gone = model.objects.filter(revision_id=cr.base_id).exclude(uid__in=kept)
        for row in gone.order_by("position", "id"):
            detail = f"{row.method} {row.path}" if kind == "endpoint" else row.table
            items.append(DeletedItem(kind, row.uid, row.name, detail))
    return items


# The conversation.


def change_request_timeline(change_request: ChangeRequest) -> list[dict]:
    """The Conversation tab: the request's audit events in order, each with its comment
    (rendered, and the item it is anchored to) or its review."""
    cr = change_request
    comments = {c.pk: c for c in cr.comments.select_related("author", "resolved_by")}
    reviews = {r.pk: r for r in cr.reviews.all()}
    anchors = _anchor_names(cr, comments.values())
    events = AuditEvent.objects.filter(spec=cr.spec, target=f"#{cr.number}").select_related("actor")
    timeline = []
    for event in events.order_by("created_at", "id"):
        entry = {"event": event}
        if event.verb == "comment.added":
            comment = comments.get(event.details.get("comment"))
            entry["comment"] = comment
            entry["comment_deleted"] = comment is None
            entry["html"] = markdown_to_safe_html(comment.body) if comment else ""
            entry["anchor"] = anchors.get(comment.anchor_uid) if comment else None
        elif event.verb.startswith("review."):
            entry["review"] = reviews.get(event.details.get("review"))
        timeline.append(entry)
    return timeline


def _anchor_names(cr: ChangeRequest, comments) -> dict:
    """The names of the endpoints and models comments are anchored to, in the draft."""
    uids = {c.anchor_uid for c in comments if c.anchor_uid}
    if not uids:
        return {}
    names = {}
    for model in (Endpoint, DataModel):
        rows = model.objects.filter(revision=cr.working, uid__in=uids).values_list("uid", "name")
        names.update(rows)
    return names


# Comment threads.


@dataclass
class Thread:
    """A thread: its first comment, the replies, where it sits and whether that has changed
    since (outdated). Each comment carries its rendered body as `html`."""

    root: Comment
    replies: list[Comment]
    label: str = ""  # "endpoint Create task · body field title · field Description"
    field_label: str = ""
    #: The anchored field's (or row's) text in the draft now; None when the row is gone.
    current: str | None = None
    #: The anchored row's version now, which applying a suggestion is checked against.
    row_version: int | None = None
    outdated: bool = False

    @property
    def pk(self) -> int:
        return self.root.pk

    @property
    def has_suggestion(self) -> bool:
        return bool(self.root.suggestion) and self.root.deleted_at is None

    @property
    def suggestion_applied(self) -> bool:
        return self.root.suggestion_applied_at is not None

    @property
    def suggestion_blocked(self) -> str:
        """Why the suggestion cannot be applied now ("" when it can)."""
        if self.suggestion_applied:
            return "Already applied."
        if self.outdated:
            return "Outdated: the field changed since the suggestion."
        return ""


@dataclass
class Threads:
    """The request's threads, by comment id, by item and by (row uid, field)."""

    by_id: dict[int, Thread]
    by_item: dict[str, list[Thread]]
    by_field: dict[tuple[str, str], list[Thread]]

    def __len__(self) -> int:
        return len(self.by_id)


def change_request_threads(change_request: ChangeRequest) -> Threads:
    """Every thread of the request with its replies, authors and rendered bodies, and whether
    what it sits on changed since it was made: one query for the comments and one per table
    the threads sit on (the draft's current rows), however many threads there are."""
    cr = change_request
    comments = list(
        cr.comments.select_related("author", "resolved_by", "suggestion_applied_by").order_by(
            "created_at", "id"
        )
    )
    threads: dict[int, Thread] = {}
    for comment in comments:
        comment.html = markdown_to_safe_html(comment.body) if comment.body else ""
        if comment.parent_id is None:
            threads[comment.pk] = Thread(comment, [])
    for comment in comments:
        if comment.parent_id in threads:
            threads[comment.parent_id].replies.append(comment)
    current = _anchored_rows(cr, [t.root for t in threads.values()])
    by_item: dict[str, list[Thread]] = {}
    by_field: dict[tuple[str, str], list[Thread]] = {}
    for thread in threads.values():
        root = thread.root
        if root.anchor_uid is None:
            continue
        _place(thread, current)
        by_item.setdefault(str(root.anchor_uid), []).append(thread)
        if root.anchor_field:
            key = (str(root.anchor_row_uid), root.anchor_field)
            by_field.setdefault(key, []).append(thread)
    return Threads(threads, by_item, by_field)


def _anchored_rows(cr: ChangeRequest, roots: list[Comment]) -> dict:
    """The draft's rows the threads sit on, and their items: (table name, uid) → values."""
    wanted: dict[str, set] = {}
    for root in roots:
        if root.anchor_uid is None:
            continue
        wanted.setdefault(_item_table(root), set()).add(root.anchor_uid)
        if root.anchor_row_uid is not None and root.anchor_row_model:
            wanted.setdefault(root.anchor_row_model, set()).add(root.anchor_row_uid)
    rows = {}
    for name, uids in wanted.items():
        model = MODELS_BY_NAME[name]
        columns = ["uid", "version", *commentable_fields(model)]
        for values in model.objects.filter(revision_id=cr.working_id, uid__in=uids).values(
            *columns
        ):
            rows[(name, values["uid"])] = values
    return rows


def _item_table(root: Comment) -> str:
    return ITEM_MODELS[root.anchor_kind]._meta.model_name


def _place(thread: Thread, rows: dict) -> None:
    root = thread.root
    item = rows.get((_item_table(root), root.anchor_uid))
    parts = [f"{root.anchor_kind} {item['name'] if item else '(removed in the draft)'}"]
    if root.anchor_row_uid is None or not root.anchor_row_model:
        thread.label = parts[0]  # a comment made before threads had rows: never outdated
        return
    model = MODELS_BY_NAME[root.anchor_row_model]
    values = rows.get((root.anchor_row_model, root.anchor_row_uid))
    if root.anchor_row_uid != root.anchor_uid:
        row_name = label(model, values) if values else "(removed)"
        parts.append(f"{model._meta.verbose_name} {row_name}")
    if root.anchor_field:
        thread.field_label = field_label(model, root.anchor_field)
        parts.append(f"field {thread.field_label}")
    thread.label = " · ".join(parts)
    thread.row_version = values["version"] if values else None
    thread.current = anchored_text(model, values, root.anchor_field) if values else None
    existed = bool(root.anchor_field or root.anchor_text)  # was the row in the draft then?
    if values is None:
        thread.outdated = existed
    else:
        thread.outdated = not existed or thread.current != root.anchor_text
