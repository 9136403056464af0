"""python manage.py diff_spec WORKSPACE/SPEC (--change-request N | --from N --to M)
[--format sql|json|markdown] [--dialect postgresql|sqlite|mysql] [--fail-on-error]
[--fail-on-breaking]

What a change does, between two published revisions or from a change request's base to its
draft: as SQL (the database migration), as JSON for CI (`migration` with its risks,
`api_changes`, `lint_delta`), or as a markdown changelog (breaking API changes first, then
warnings and the rest, the migration's steps and risks, the lint delta)."""

import json

from django.core.management.base import BaseCommand, CommandError

from specs_app.interchange.apidiff import BREAKING
from specs_app.interchange.sql.writer import DIALECTS
from specs_app.management.commands._spec_ref import get_published_revision, get_spec
from specs_app.models import ChangeRequest
from specs_app.services.changelog import changelog_markdown
from specs_app.services.impact import (
    api_impact_between,
    change_request_api_impact,
    change_request_impact,
    impact_between,
    impact_report,
)
from specs_app.services.lint import change_request_lint_delta, revision_lint_delta


class Command(BaseCommand):
    help = (
        "Print what a change does, between two published revisions or from a change request's "
        "base to its draft: the database migration as SQL (the default), JSON for CI (the "
        "migration and its risk findings, api_changes, lint_delta), or a markdown changelog "
        "(breaking API changes first)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", metavar="WORKSPACE/SPEC")
        parser.add_argument("--change-request", type=int, metavar="N", help="Change request #N.")
        parser.add_argument("--from", dest="from_", type=int, metavar="N", help="Revision rN.")
        parser.add_argument("--to", type=int, metavar="M", help="Revision rM (default: head).")
        parser.add_argument(
            "--format",
            choices=["sql", "json", "markdown"],
            default="sql",
            help="sql: the migration; json: migration, api_changes and lint_delta; markdown: "
            "the changelog.",
        )
        parser.add_argument(
            "--dialect",
            default="postgresql",
            metavar="|".join(DIALECTS),
            help="The SQL dialect (default: postgresql, the reference).",
        )
        parser.add_argument(
            "--fail-on-error",
            action="store_true",
            help="Exit with status 1 when a risk finding is at the error level.",
        )
        parser.add_argument(
            "--fail-on-breaking",
            action="store_true",
            help="Exit with status 1 when an API change is breaking.",
        )

    def handle(self, *args, **options) -> None:
        dialect = options["dialect"]
        if dialect not in DIALECTS:
            raise CommandError(f'Unknown dialect "{dialect}": choose one of {", ".join(DIALECTS)}.')
        spec = get_spec(options["spec"])
        impact, api_impact, delta, title = self.impact(spec, options, dialect)
        if options["format"] == "json":
            report = impact_report(impact, api_impact, delta)
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        elif options["format"] == "markdown":
            text = changelog_markdown(
                impact, api_impact, delta, heading=f"## {spec.title}: {title}"
            )
            self.stdout.write(text, ending="")
        else:
            self.stdout.write(impact.migration.sql or "-- no change to the database\n", ending="")
        if options["fail_on_error"] and any(r.level == "error" for r in impact.risks):
            raise CommandError("the migration has risk findings at the error level", returncode=1)
        breaking = sum(1 for change in api_impact.api_changes if change.level == BREAKING)
        if options["fail_on_breaking"] and breaking:
            raise CommandError(
                f"the change has {breaking} breaking API change{'s' if breaking > 1 else ''}",
                returncode=1,
            )

    def impact(self, spec, options, dialect: str):
        """The impact, the lint delta and what the change is called."""
        number, start, end = options["change_request"], options["from_"], options["to"]
        if number is not None and (start is not None or end is not None):
            raise CommandError("Give either --change-request N or --from N [--to M], not both.")
        if number is not None:
            change_request = (
                ChangeRequest.objects.select_related("spec", "base", "working")
                .filter(spec=spec, number=number)
                .first()
            )
            if change_request is None:
                raise CommandError(f'Spec "{spec.slug}" has no change request #{number}.')
            return (
                change_request_impact(change_request, dialect),
                change_request_api_impact(change_request),
                change_request_lint_delta(change_request),
                f"change request #{number} {change_request.title}",
            )
        if start is None:
            raise CommandError("Give --change-request N, or --from N (and --to M).")
        base = get_published_revision(spec, start)
        target = get_published_revision(spec, end)
        for revision in (base, target):
            if not revision.is_published:
                raise CommandError(f"r{revision.number} is a draft, not a published revision.")
        return (
            impact_between(spec, base, target, dialect),
            api_impact_between(spec, base, target),
            revision_lint_delta(base, target),
            f"{base.label} → {target.label}",
        )
