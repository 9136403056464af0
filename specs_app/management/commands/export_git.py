"""python manage.py export_git WORKSPACE/SPEC"""

from django.core.management.base import BaseCommand, CommandError

from specs_app.management.commands._spec_ref import get_spec
from specs_app.models import Export
from specs_app.services.errors import ServiceError
from specs_app.services.git import export_by_operator


class Command(BaseCommand):
    help = "Export a spec's head to its git target now; exits 1 unless it succeeded."

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", metavar="WORKSPACE/SPEC")

    def handle(self, *args, **options) -> None:
        spec = get_spec(options["spec"])
        try:
            export = export_by_operator(spec=spec)
        except ServiceError as exc:
            raise CommandError(str(exc)) from exc
        label = f"{spec.workspace.slug}/{spec.slug} {export.revision.label}"
        if export.status == Export.Status.SUCCEEDED:
            self.stdout.write(f"Exported {label}: committed {export.commit_sha}.")
        elif export.status == Export.Status.NO_CHANGE:
            self.stdout.write(f"Exported {label}: no change.")
        else:
            raise CommandError(f"Export of {label} {export.status}: {export.error}")
