"""python manage.py import_spec WORKSPACE/SPEC --api FILE --schema FILE [--dry-run]
[--format text|json] [--title T]

Exit status 0 when the import succeeded (warnings included), 1 when nothing could be imported.
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from specs_app.management.commands._spec_ref import split_spec_ref
from specs_app.models import DEFAULT_API_PATH, DEFAULT_SCHEMA_PATH, Spec, Workspace
from specs_app.services.markdown import ImportResult, spec_import


class Command(BaseCommand):
    help = (
        "Import spec markdown (canonical, or a common variant of the template) into a spec: a "
        "new spec is published as r1, an "
        "existing one gets a draft on top of its head. Prints a report."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", metavar="WORKSPACE/SPEC")
        parser.add_argument("--api", metavar="FILE", help="REST endpoints markdown")
        parser.add_argument("--schema", metavar="FILE", help="Database schema markdown")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--title", help="Title of a new spec (default: from its slug).")

    def handle(self, *args, **options) -> None:
        workspace_slug, spec_slug = split_spec_ref(options["spec"])
        if options["api"] is None and options["schema"] is None:
            raise CommandError("Give --api FILE, --schema FILE or both.")
        texts = {key: _read(options[key]) for key in ("api", "schema")}
        with transaction.atomic():
            workspace = _workspace(workspace_slug)
            shown_files = _shown_files(workspace, spec_slug, options)
            result = spec_import(
                workspace=workspace,
                spec_slug=spec_slug,
                title=options["title"],
                api_text=texts["api"],
                schema_text=texts["schema"],
                dry_run=options["dry_run"],
            )
            if options["dry_run"] or not result.ok:
                transaction.set_rollback(True)
        _rename_files(result, shown_files)
        if options["format"] == "json":
            self.stdout.write(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        else:
            self.stdout.write(_text_report(result))
        if not result.ok:
            raise SystemExit(1)


def _read(name: str | None) -> str | None:
    if name is None:
        return None
    path = Path(name)
    try:
        return path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise CommandError(f"{path} is not UTF-8 text.") from None


def _workspace(slug: str) -> Workspace:
    name = slug.replace("-", " ").replace("_", " ").title()
    workspace, _ = Workspace.objects.get_or_create(slug=slug, defaults={"name": name})
    return workspace


def _shown_files(workspace: Workspace, spec_slug: str, options: dict) -> dict[str, str]:
    """The report names each file as given on the command line, not by its path in the repo."""
    spec = Spec.objects.filter(workspace=workspace, slug=spec_slug).first()
    api_path = spec.api_path if spec else DEFAULT_API_PATH
    schema_path = spec.schema_path if spec else DEFAULT_SCHEMA_PATH
    return {
        path: str(options[key])
        for path, key in ((api_path, "api"), (schema_path, "schema"))
        if options[key] is not None
    }


def _rename_files(result: ImportResult, shown_files: dict[str, str]) -> None:
    for items in (result.warnings, result.errors):
        items[:] = [
            type(item)(shown_files.get(item.file, item.file), item.line, item.message)
            for item in items
        ]


def _text_report(result: ImportResult) -> str:
    lines = [_headline(result), "  " + ", ".join(_count_phrases(result.counts))]
    for title, items in (("Warnings", result.warnings), ("Errors", result.errors)):
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines += [f"  {_location(item)}{item.message}" for item in items]
    return "\n".join(lines)


def _headline(result: ImportResult) -> str:
    if not result.ok:
        return f"Nothing was imported into {result.spec_label}: {len(result.errors)} error(s)."
    if result.dry_run:
        return f"Dry run for {result.spec_label}: the import is valid; nothing was written."
    revision = result.revision
    parent = revision.parent.label if revision.parent else "an empty spec"
    state = "published" if revision.is_published else f"draft on top of {parent}"
    return f"Imported {result.spec_label} as {revision.label} ({state})."


def _count_phrases(counts: dict[str, int]) -> list[str]:
    return [f"{count} {name.replace('_', ' ')}" for name, count in counts.items()]


def _location(item) -> str:
    if not item.file:
        return ""
    return f"{item.file}:{item.line}: " if item.line else f"{item.file}: "
