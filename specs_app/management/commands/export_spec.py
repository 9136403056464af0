"""python manage.py export_spec WORKSPACE/SPEC [--revision N] --out DIR"""

from pathlib import Path

from django.core.management.base import BaseCommand

from specs_app.management.commands._spec_ref import get_published_revision, get_spec
from specs_app.services.export import revision_export


class Command(BaseCommand):
    help = "Write a spec's canonical markdown files under DIR, at the spec's paths."

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", metavar="WORKSPACE/SPEC")
        parser.add_argument(
            "--revision", type=int, metavar="N", help="Published revision rN (default: the head)."
        )
        parser.add_argument("--out", required=True, metavar="DIR")

    def handle(self, *args, **options) -> None:
        spec = get_spec(options["spec"])
        revision = get_published_revision(spec, options["revision"])
        for path, text in revision_export(revision).items():
            target = Path(options["out"]) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
            self.stdout.write(f"Wrote {target}")
        self.stdout.write(f"Exported {spec.workspace.slug}/{spec.slug} {revision.label}.")
