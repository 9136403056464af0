"""`WORKSPACE/SPEC` arguments of the spec commands."""

from django.core.management.base import CommandError

from specs_app.models import Spec


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
