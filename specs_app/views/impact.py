"""What a revision's schema is in SQL, and what a change request does to the database: the DDL
page of a published revision (and its download), the change request's migration download."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from specs_app.access import get_change_request_for_user
from specs_app.interchange.sql.writer import DIALECTS, comment_count
from specs_app.services.export import revision_sql
from specs_app.services.impact import migration_steps
from specs_app.services.selectors import change_request_impact_of_edit
from specs_app.views.context import require_revision, revision_page_context

#: The dialects as people name them, in the order the switch shows them.
DIALECT_LABELS = {"postgresql": "PostgreSQL", "sqlite": "SQLite", "mysql": "MySQL"}
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


def impact_tab_context(cr, dialect: str) -> dict:
    """What the Impact tab shows: the request's impact in `dialect` and the words around it."""
    impact = change_request_impact_of_edit(cr, dialect=dialect)
    counts = impact.risk_counts
    spec = cr.spec
    args = [spec.workspace.slug, spec.slug]
    query = "" if dialect == DEFAULT_DIALECT else "?" + urlencode({"dialect": dialect})
    label = DIALECT_LABELS[dialect]
    return {
        "impact": impact,
        "steps": migration_steps(impact.migration),
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
    }


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
