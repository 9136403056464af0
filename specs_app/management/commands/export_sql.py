"""python manage.py export_sql WORKSPACE/SPEC [--revision N] [--dialect postgresql|sqlite|mysql]"""

from django.core.management.base import BaseCommand, CommandError

from specs_app.interchange.sql.writer import DIALECTS
from specs_app.management.commands._spec_ref import get_published_revision, get_spec
from specs_app.services.export import revision_sql


class Command(BaseCommand):
    help = "Print a revision's schema as SQL DDL (CREATE TABLE, foreign keys, indexes)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", metavar="WORKSPACE/SPEC")
        parser.add_argument(
            "--revision", type=int, metavar="N", help="Published revision rN (default: the head)."
        )
        parser.add_argument(
            "--dialect",
            default="postgresql",
            metavar="|".join(DIALECTS),
            help="The SQL dialect (default: postgresql).",
        )

    def handle(self, *args, **options) -> None:
        dialect = options["dialect"]
        if dialect not in DIALECTS:
            raise CommandError(f'Unknown dialect "{dialect}": choose one of {", ".join(DIALECTS)}.')
        spec = get_spec(options["spec"])
        revision = get_published_revision(spec, options["revision"])
        self.stdout.write(revision_sql(revision, dialect), ending="")
