"""`WORKSPACE/SPEC` arguments of the spec commands."""

from django.core.management.base import CommandError

from specs_app.models import Revision, Spec


def split_spec_ref(value: str) -> tuple[str, str]:
    workspace_slug, _, spec_slug = value.partition("/")
    if not workspace_slug or not spec_slug or "/" in spec_slug:
        raise CommandError(f'"{value}" is not WORKSPACE/SPEC (for example acme/todo).')
    return workspace_slug, spec_slug


def get_spec(value: str) -> Spec:
    workspace_slug, spec_slug = split_spec_ref(value)
    spec = (
        Spec.objects.select_related("workspace", "head")
        .filter(workspace__slug=workspace_slug, slug=spec_slug)
        .first()
    )
    if spec is None:
        raise CommandError(f'No spec "{spec_slug}" in a workspace "{workspace_slug}".')
    return spec


def get_published_revision(spec: Spec, number: int | None) -> Revision:
    """Published revision rN of `spec`, or its head when `number` is None."""
    if number is None:
        if spec.head is None:
            raise CommandError(f'Spec "{spec.slug}" has no published revision yet.')
        return spec.head
    revision = Revision.objects.filter(spec=spec, number=number).first()
    if revision is None:
        raise CommandError(f'Spec "{spec.slug}" has no revision r{number}.')
    return revision
