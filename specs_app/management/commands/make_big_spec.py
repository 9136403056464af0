"""python manage.py make_big_spec WORKSPACE/SPEC [--endpoints 1000] [--models 300] [--seed 1]

Creates a large, realistic spec (published as r1) for measuring the studio; see
specs_app/perf/bigspec.py. The workspace is created if it does not exist.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from specs_app.management.commands._spec_ref import split_spec_ref
from specs_app.models import Workspace
from specs_app.perf.bigspec import BigSpecSize, make_big_spec
from specs_app.services.errors import ServiceError
from specs_app.services.revisions import revision_row_count


class Command(BaseCommand):
    help = "Create a large, realistic spec (deterministic for a seed) for measuring the studio."

    def add_arguments(self, parser) -> None:
        parser.add_argument("spec", metavar="WORKSPACE/SPEC")
        parser.add_argument("--endpoints", type=_count, default=1000)
        parser.add_argument("--models", type=_count, default=300)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        workspace_slug, spec_slug = split_spec_ref(options["spec"])
        workspace, _ = Workspace.objects.get_or_create(
            slug=workspace_slug, defaults={"name": workspace_slug.replace("-", " ").title()}
        )
        size = BigSpecSize(options["endpoints"], options["models"], options["seed"])
        started = time.perf_counter()
        try:
            spec = make_big_spec(workspace=workspace, slug=spec_slug, size=size)
        except ServiceError as exc:
            raise CommandError(str(exc)) from None
        rows = revision_row_count(spec.head)
        self.stdout.write(
            f"Created {workspace.slug}/{spec.slug} {spec.head.label}: {size.endpoints} endpoints, "
            f"{size.models} models, {rows} rows in {time.perf_counter() - started:.1f} s."
        )


def _count(value: str) -> int:
    number = int(value)
    if number < 1:
        raise ValueError("must be at least 1")
    return number
