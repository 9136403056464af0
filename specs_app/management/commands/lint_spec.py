"""python manage.py lint_spec WORKSPACE/SPEC [--revision N] [--format text|json]

Exits with 1 when a finding is an error (for CI), 0 otherwise.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from specs_app.management.commands._spec_ref import get_published_revision, get_spec
from specs_app.models import Revision, Spec
from specs_app.services.lint import Finding, lint_revision


class Command(BaseCommand):
    help = "Lint a spec's revision; exit code 1 when there is an error finding."

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", metavar="WORKSPACE/SPEC")
        parser.add_argument(
            "--revision", type=int, metavar="N", help="Published revision rN (default: the head)."
        )
        parser.add_argument("--format", choices=["text", "json"], default="text")

    def handle(self, *args, **options) -> None:
        spec = get_spec(options["spec"])
        revision = get_published_revision(spec, options["revision"])
        findings = lint_revision(revision)
        if options["format"] == "json":
            self.stdout.write(json.dumps([f.to_dict() for f in findings], indent=2))
        else:
            self._write_text(spec, revision, findings)
        errors = sum(1 for finding in findings if finding.is_error)
        if errors:
            raise CommandError(f"{errors} lint error{'s' if errors > 1 else ''}.", returncode=1)

    def _write_text(self, spec: Spec, revision: Revision, findings: list[Finding]) -> None:
        for finding in findings:
            self.stdout.write(
                f"{finding.severity:<7}  {finding.rule}  {finding.item.label}: {finding.message}"
            )
        errors = sum(1 for finding in findings if finding.is_error)
        warnings = len(findings) - errors
        self.stdout.write(
            f"{spec.workspace.slug}/{spec.slug} {revision.label}: "
            f"{errors} error(s), {warnings} warning(s)."
        )
