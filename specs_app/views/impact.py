"""What a revision's schema is in SQL, and what a change request does to the database: the DDL
page of a published revision (and its download), the change request's migration download."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from specs_app.access import get_change_request_for_user
from specs_app.interchange.apidiff import COMPATIBILITY_LABELS, LEVELS
from specs_app.interchange.sql.writer import DIALECT_LABELS, DIALECTS, comment_count
from specs_app.services.changelog import WHOLE_API
from specs_app.services.export import revision_sql
from specs_app.services.impact import migration_steps
from specs_app.services.lint import change_request_lint_delta
from specs_app.services.selectors import (
    change_request_api_impact_of_edit,
    change_request_endpoint_methods,
    change_request_impact_of_edit,
)
from specs_app.views.context import require_revision, revision_page_context

DEFAULT_DIALECT = "postgresql"
SQL_CONTENT_TYPE = "application/sql; charset=utf-8"

assert set(DIALECT_LABELS) == set(DIALECTS), "every dialect the writer knows has a label"


class UnknownDialect(ValueError):
    """A `dialect` parameter that names no dialect the writer knows."""


def wanted_dialect(request: HttpRequest) -> str:
    """The `dialect` query parameter (PostgreSQL when absent); UnknownDialect for any other."""
    dialect = request.GET.get("dialect") or DEFAULT_DIALECT
    if dialect not in DIALECT_LABELS:
        shown = dialect if len(dialect) <= 40 else dialect[:40] + "…"
        raise UnknownDialect(
            f'There is no SQL dialect "{shown}": choose postgresql, sqlite or mysql '
            "(the dialect parameter of the address)."
        )
    return dialect


def bad_dialect(request: HttpRequest, error: UnknownDialect) -> HttpResponse:
    return render(request, "400.html", {"reason": str(error)}, status=400)


def sql_attachment(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text.encode("utf-8"), content_type=SQL_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def ddl_statements(ddl: str) -> int:
    """How many statements a DDL text (one statement per paragraph) runs: its paragraphs that
    are not only comments."""
    paragraphs = (part.splitlines() for part in ddl.split("\n\n"))
    return sum(
        1 for lines in paragraphs if any(not line.startswith("--") for line in lines if line)
    )


def _ddl_filename(spec, revision, dialect: str) -> str:
    return f"{spec.slug}-r{revision.number}.{dialect}.sql"


@login_required
@require_GET
def revision_ddl(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    """The DDL of a published revision (`?revision=N`, the head without it) in one dialect."""
    context = revision_page_context(request, ws, spec)
    revision = require_revision(context)
    try:
        dialect = wanted_dialect(request)
    except UnknownDialect as exc:
        return bad_dialect(request, exc)
    sql = revision_sql(revision, dialect)
    query = urlencode({"revision": revision.number, "dialect": dialect})
    context.update(
        dialect=dialect,
        dialect_label=DIALECT_LABELS[dialect],
        dialects=DIALECT_LABELS.items(),
        sql=sql,
        statements=ddl_statements(sql),
        comments=comment_count(sql),
        title=f"{DIALECT_LABELS[dialect]} DDL of {revision.label}",
        filename=_ddl_filename(context["spec"], revision, dialect),
        download_url=reverse("specs_app:ddl_download", args=[ws, spec]) + "?" + query,
    )
    template = "specs_app/impact/revision_ddl.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#ddl-body"  # the dialect switch, in place
    return render(request, template, context)


@login_required
@require_GET
def revision_ddl_download(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    """The same DDL as a `.sql` file: `<spec>-r<N>.<dialect>.sql`."""
    context = revision_page_context(request, ws, spec)
    revision = require_revision(context)
    try:
        dialect = wanted_dialect(request)
    except UnknownDialect as exc:
        return bad_dialect(request, exc)
    filename = _ddl_filename(context["spec"], revision, dialect)
    return sql_attachment(revision_sql(revision, dialect), filename)


def migration_filename(cr, dialect: str) -> str:
    """`<spec>-cr<N>.sql` (PostgreSQL), `<spec>-cr<N>.<dialect>.sql` for the other dialects."""
    suffix = "" if dialect == DEFAULT_DIALECT else f".{dialect}"
    return f"{cr.spec.slug}-cr{cr.number}{suffix}.sql"


def impact_tab_context(cr, dialect: str, can_edit: bool = False) -> dict:
    """What the Impact tab shows: the request's API changes grouped by endpoint, its migration
    in `dialect` with its risks, and its lint delta, with the words and links around them.
    `can_edit`: the viewer may open the draft's items in the editor (the links lead there)."""
    impact = change_request_impact_of_edit(cr, dialect=dialect)
    counts = impact.risk_counts
    spec = cr.spec
    args = [spec.workspace.slug, spec.slug]
    query = "" if dialect == DEFAULT_DIALECT else "?" + urlencode({"dialect": dialect})
    label = DIALECT_LABELS[dialect]
    steps = migration_steps(impact.migration)
    links = _ItemLinks(cr, can_edit)
    delta = change_request_lint_delta(cr)
    api = change_request_api_impact_of_edit(cr)
    api_groups = api_change_groups(cr, api, links)
    return {
        "impact": impact,
        "api": api,
        "steps": steps,
        "dialect": dialect,
        "dialect_label": label,
        "dialects": DIALECT_LABELS.items(),
        "risk_counts": sorted(counts.items(), key=lambda item: _LEVEL_ORDER.get(item[0], 9)),
        "risk_reference_url": reverse("specs_app:lint_rules", args=args),
        "migration_title": f"{label} migration of #{cr.number}",
        "migration_filename": migration_filename(cr, dialect),
        "migration_download_url": reverse("specs_app:change_request_sql", args=[*args, cr.number])
        + query,
        "result_title": f"{label} DDL after #{cr.number}",
        "api_groups": api_groups,
        "api_level_counts": _api_level_counts(api.api_changes),
        "compatibility_label": COMPATIBILITY_LABELS.get(api.compatibility, ""),
        "lint_new": [_finding_row(f, links.draft(f.item)) for f in delta.new],
        "lint_fixed": [_finding_row(f, links.base(f.item)) for f in delta.fixed],
        "overview": _overview(impact, api, steps, delta),
    }


def _count(number: int, word: str, plural: str = "") -> str:
    return f"{number} {word if number == 1 else plural or word + 's'}"


def _api_level_counts(changes) -> list[tuple[str, int]]:
    return [(level, n) for level in LEVELS if (n := sum(1 for c in changes if c.level == level))]


def _overview(impact, api, steps: list[dict], delta) -> dict:
    """The summary line's three parts, each leading to its section."""
    counts = _api_level_counts(api.api_changes)
    if counts:
        levels = ", ".join(
            f"{n} {level}" + ("s" if n > 1 and level == "warning" else "") for level, n in counts
        )
        api_words = f"{levels} API change{'s' if len(api.api_changes) > 1 else ''}"
    else:
        api_words = "No API change"
    database = _count(len(steps), "migration step") if steps else "No migration"
    if impact.risks:
        database += ", " + _count(len(impact.risks), "risk")
    lint = f"{_count(len(delta.new), 'new lint finding')}, {len(delta.fixed)} fixed"
    return {"api": api_words, "database": database, "lint": lint}


class _ItemLinks:
    """Where an endpoint or a model of the request leads: in the draft, the editor (for those
    who may edit an open request); in the base, its page in that published revision."""

    def __init__(self, cr, can_edit: bool) -> None:
        spec = cr.spec
        self.args = [spec.workspace.slug, spec.slug]
        self.cr, self.edit = cr, can_edit and cr.is_open
        self.base_number = cr.base.number if cr.base_id else None

    def draft_url(self, kind: str, uid: str) -> str:
        if not self.edit or kind not in ("endpoint", "model"):
            return ""
        args = [*self.args, self.cr.number, kind, uid]
        return reverse("specs_app:editor_item", args=args)

    def base_url(self, kind: str, uid: str) -> str:
        if self.base_number is None or kind not in ("endpoint", "model"):
            return ""
        url = reverse(f"specs_app:{kind}_detail", args=[*self.args, uid])
        return f"{url}?{urlencode({'revision': self.base_number})}"

    def draft(self, item) -> str:
        return self.draft_url(item.page_kind, item.page_uid)

    def base(self, item) -> str:
        return self.base_url(item.page_kind, item.page_uid)


def _finding_row(finding, url: str) -> dict:
    return {"finding": finding, "url": url}


def api_change_groups(cr, api, links: _ItemLinks) -> list[dict]:
    """The API changes by endpoint, the endpoint with the worst change first (then in the
    diff's order), breaking changes first within each; each change says whether it fails the
    spec's compatibility mode. An endpoint links to the draft's (the editor) or, when the
    request removed it or the viewer may not edit, to the Changes tab or the base's page."""
    failing = {change.fingerprint for change in api.api_breaks}
    uids = [change.endpoint_uid for change in api.api_changes]
    methods = change_request_endpoint_methods(cr, uids)
    groups: dict[str, dict] = {}
    for change in api.api_changes:
        key = change.endpoint_uid or change.endpoint or "api"
        if key not in groups:
            sides = methods.get(change.endpoint_uid, {})
            method = sides.get("draft") or sides.get("base") or ""
            label = change.endpoint or WHOLE_API
            path = label[len(method) :].strip() if method and label.startswith(method) else label
            if "draft" in sides:
                url = links.draft_url("endpoint", change.endpoint_uid)
                url = url or f"?tab=changes#item-{change.endpoint_uid}"
            elif "base" in sides:
                url = links.base_url("endpoint", change.endpoint_uid)
            else:
                url = ""
            groups[key] = {
                "uid": change.endpoint_uid,
                "label": label,
                "method": method,
                "path": path,
                "url": url,
                "removed": bool(sides) and "draft" not in sides,
                "changes": [],
            }
        groups[key]["changes"].append({"change": change, "fails": change.fingerprint in failing})
    rank = {level: i for i, level in enumerate(LEVELS)}
    ordered = []
    for group in groups.values():
        group["changes"].sort(key=lambda row: rank.get(row["change"].level, len(LEVELS)))
        group["worst"] = group["changes"][0]["change"].level
        ordered.append(group)
    ordered.sort(key=lambda group: rank.get(group["worst"], len(LEVELS)))  # stable
    return ordered


_LEVEL_ORDER = {"error": 0, "warning": 1}


@login_required
@require_GET
def change_request_sql_download(request: HttpRequest, ws: str, spec: str, number: int):
    """The request's migration as a `.sql` file (see migration_filename)."""
    cr, _ = get_change_request_for_user(request.user, ws, spec, number)
    try:
        dialect = wanted_dialect(request)
    except UnknownDialect as exc:
        return bad_dialect(request, exc)
    migration = change_request_impact_of_edit(cr, dialect=dialect).migration
    if not migration.changes:
        raise Http404(
            f"Change request #{cr.number} needs no database migration: there is no SQL to download."
        )
    return sql_attachment(migration.sql, migration_filename(cr, dialect))
