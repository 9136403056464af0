"""python manage.py import_spec WORKSPACE/SPEC --api FILE --schema FILE [--dry-run]
[--format text|json] [--title T] [--mode replace|merge] [--author USERNAME]

Exit status 0 when the import succeeded (warnings included), 1 when nothing could be imported,
2 when the command was given wrong (an existing spec without --author, an unknown author).
"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from specs_app.management.commands._spec_ref import split_spec_ref
from specs_app.models import (
    DEFAULT_API_PATH,
    DEFAULT_SCHEMA_PATH,
    Membership,
    Role,
    Spec,
    Workspace,
)
from specs_app.services.imports import MODES, ImportResult, spec_import


class Command(BaseCommand):
    help = (
        "Import spec markdown (canonical, or a common variant of the template) into a spec: a "
        "new spec is published as r1; into an existing one it opens a change request (by "
        "--author) whose draft is on top of the head. Prints a report."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", metavar="WORKSPACE/SPEC")
        parser.add_argument("--api", metavar="FILE", help="REST endpoints markdown")
        parser.add_argument("--schema", metavar="FILE", help="Database schema markdown")
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing.")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument("--title", help="Title of a new spec (default: from its slug).")
        parser.add_argument(
            "--mode",
            choices=MODES,
            help="Into an existing spec: replace (each file is the whole API or schema; what it "
            "lacks is removed) or merge (add and update what the files name, keep the rest). "
            "Default: replace for canonical files, merge for variants.",
        )
        parser.add_argument(
            "--author",
            metavar="USERNAME",
            help="Who opens the change request: required to import into an existing spec.",
        )

    def handle(self, *args, **options) -> None:
        workspace_slug, spec_slug = split_spec_ref(options["spec"])
        if options["api"] is None and options["schema"] is None:
            raise CommandError("Give --api FILE, --schema FILE or both.")
        texts = {key: _read(options[key]) for key in ("api", "schema")}
        with transaction.atomic():
            workspace = _workspace(workspace_slug)
            exists = Spec.objects.filter(workspace=workspace, slug=spec_slug).exists()
            author = _author(options["author"], workspace, exists and not options["dry_run"])
            shown_files = _shown_files(workspace, spec_slug, options)
            result = spec_import(
                workspace=workspace,
                spec_slug=spec_slug,
                title=options["title"],
                api_text=texts["api"],
                schema_text=texts["schema"],
                author=author,
                dry_run=options["dry_run"],
                mode=options["mode"],
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


def _author(username: str | None, workspace: Workspace, required: bool):
    """The user who opens the change request of an import into an existing spec: an editor
    (or above) of the workspace, named by --author."""
    if username is None:
        if required:
            raise CommandError(
                f"The spec exists: importing into it opens a change request, which needs an "
                f"author. Give --author USERNAME (an editor of {workspace.slug}).",
                returncode=2,
            )
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f'No user "{username}" (--author).', returncode=2)
    membership = Membership.objects.filter(user=user, workspace=workspace).first()
    if membership is None or not membership.role_enum.at_least(Role.EDITOR):
        raise CommandError(
            f'"{username}" is not an editor of {workspace.slug}, so cannot open its change '
            "requests (--author).",
            returncode=2,
        )
    return user


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
    if result.change_request is not None:
        lines.append(f"Opened change request #{result.change_request.number}")
    if result.changes is not None:
        lines += _change_lines(result)
    for title, items in (("Warnings", result.warnings), ("Errors", result.errors)):
        if items:
            lines.append(f"{title} ({len(items)}):")
            lines += [f"  {_location(item)}{item.message}" for item in items]
    return "\n".join(lines)


def _change_lines(result: ImportResult) -> list[str]:
    """On a dry run into an existing spec: what the import would change in its head."""
    lines = [f"Changes against {result.base.label} ({result.mode} mode): {len(result.changes)}"]
    lines += [f"  overview of the {key} file changed" for key in result.changed_overviews]
    lines += [f"  {c.kind} {c.what} “{c.label}”" for c in result.changes]
    return lines


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
