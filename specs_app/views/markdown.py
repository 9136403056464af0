from pathlib import PurePosixPath

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from specs_app.services.export import revision_export
from specs_app.services.render import markdown_to_safe_html
from specs_app.views.context import require_revision, revision_page_context

_FILES = {"api": "api_path", "schema": "schema_path"}


@login_required
@require_GET
def revision_markdown(request: HttpRequest, ws: str, spec: str) -> HttpResponse:
    context = revision_page_context(request, ws, spec)
    exported = revision_export(require_revision(context))
    raw = request.GET.get("view") == "raw"
    files = []
    for key, attr in _FILES.items():
        path = getattr(context["spec"], attr)
        html = None if raw else markdown_to_safe_html(exported[path])
        files.append({"key": key, "path": path, "text": exported[path], "html": html})
    context.update(files=files, raw=raw)
    return render(request, "specs_app/markdown/revision_markdown.html", context)


@login_required
@require_GET
def markdown_download(request: HttpRequest, ws: str, spec: str, which: str) -> HttpResponse:
    if which not in _FILES:
        raise Http404("No such file.")
    context = revision_page_context(request, ws, spec)
    revision = require_revision(context)
    path = getattr(context["spec"], _FILES[which])
    response = HttpResponse(
        revision_export(revision)[path].encode("utf-8"),
        content_type="text/markdown; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="{PurePosixPath(path).name}"'
    return response
