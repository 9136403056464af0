import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from specs_app.models import CONTENT_MODELS, Endpoint, Revision
from specs_app.services.content import content_create, content_delete, content_update
from specs_app.services.errors import RevisionImmutable, StaleVersion
from specs_app.services.revisions import (
    revision_fork,
    revision_publish,
    revision_update_overviews,
)
from tests.factories import published_spec

pytestmark = pytest.mark.django_db

_IGNORED = {"id", "revision", "endpoint", "model"}


def _snapshot(revision: Revision) -> dict:
    """Every content row of a revision by (table, uid), with parent uid instead of parent pk."""
    rows = {}
    for model in CONTENT_MODELS:
        queryset = model.objects.filter(revision=revision)
        if model.parent_field:
            queryset = queryset.select_related(model.parent_field)
        for row in queryset:
            values = {k: v for k, v in model_to_dict(row).items() if k not in _IGNORED}
            values["version"] = row.version
            if model.parent_field:
                values["parent_uid"] = getattr(row, model.parent_field).uid
            rows[(model.__name__, row.uid)] = values
    return rows


def test_fork_copies_every_table_field_by_field_with_same_uids(workspace):
    spec = published_spec(workspace=workspace, endpoints=3, models=2)
    draft = revision_fork(source=spec.head)

    original, copy = _snapshot(spec.head), _snapshot(draft)
    assert copy == original
    assert {name for name, _ in copy} == {model.__name__ for model in CONTENT_MODELS}
    assert draft.state == Revision.State.DRAFT and draft.number is None
    assert draft.parent_id == spec.head_id
    assert draft.api_overview == spec.head.api_overview


def test_fork_gives_new_primary_keys_and_points_children_at_new_parents(workspace):
    spec = published_spec(workspace=workspace, endpoints=2, models=1)
    draft = revision_fork(source=spec.head)
    for model in CONTENT_MODELS:
        old_pks = set(model.objects.filter(revision=spec.head).values_list("pk", flat=True))
        new_rows = model.objects.filter(revision=draft)
        assert old_pks.isdisjoint(new_rows.values_list("pk", flat=True))
        if model.parent_field:
            parent_revisions = set(
                new_rows.values_list(f"{model.parent_field}__revision", flat=True)
            )
            assert parent_revisions == {draft.pk}


def _fork_query_count(workspace, endpoints: int) -> int:
    spec = published_spec(workspace=workspace, endpoints=endpoints, models=endpoints // 5 + 1)
    with CaptureQueriesContext(connection) as queries:
        revision_fork(source=spec.head)
    return len(queries)


def test_fork_query_count_does_not_grow_with_spec_size(workspace):
    small = _fork_query_count(workspace, endpoints=5)
    large = _fork_query_count(workspace, endpoints=200)
    assert small == large


def test_publish_numbers_revisions_and_moves_head(workspace):
    spec = published_spec(workspace=workspace)
    assert spec.head.number == 1
    second = revision_publish(revision=revision_fork(source=spec.head))
    spec.refresh_from_db()
    assert (second.number, spec.head_id) == (2, second.pk)


def test_publishing_twice_is_refused(workspace):
    spec = published_spec(workspace=workspace)
    with pytest.raises(RevisionImmutable):
        revision_publish(revision=spec.head)


def test_published_content_cannot_be_changed_through_the_services(workspace):
    spec = published_spec(workspace=workspace, endpoints=1, models=1)
    head = spec.head
    before = _snapshot(head)
    endpoint = Endpoint.objects.get(revision=head)

    with pytest.raises(RevisionImmutable):
        content_update(row=endpoint, expected_version=endpoint.version, name="Changed")
    with pytest.raises(RevisionImmutable):
        content_create(revision=head, model=Endpoint, name="New", path="/new")
    with pytest.raises(RevisionImmutable):
        content_delete(row=endpoint)
    with pytest.raises(RevisionImmutable):
        revision_update_overviews(revision=head, api_overview="Changed")

    head.refresh_from_db()
    assert _snapshot(head) == before
    assert head.api_overview == "API overview."


def test_draft_content_changes_and_bumps_version(workspace):
    spec = published_spec(workspace=workspace, endpoints=1, models=0)
    draft = revision_fork(source=spec.head)
    endpoint = Endpoint.objects.get(revision=draft)
    updated = content_update(row=endpoint, expected_version=1, name="Renamed")
    assert (updated.name, updated.version) == ("Renamed", 2)
    assert Endpoint.objects.get(revision=spec.head).name != "Renamed"


def test_saving_over_a_newer_version_is_refused(workspace):
    spec = published_spec(workspace=workspace, endpoints=1, models=0)
    draft = revision_fork(source=spec.head)
    endpoint = Endpoint.objects.get(revision=draft)
    content_update(row=endpoint, expected_version=1, name="First")
    with pytest.raises(StaleVersion) as refused:
        content_update(row=endpoint, expected_version=1, name="Second")
    assert refused.value.current.name == "First"
    assert Endpoint.objects.get(pk=endpoint.pk).name == "First"


def test_create_appends_after_siblings_and_validates(workspace):
    spec = published_spec(workspace=workspace, endpoints=2, models=0)
    draft = revision_fork(source=spec.head)
    created = content_create(revision=draft, model=Endpoint, name="List", path="/api/list")
    last = Endpoint.objects.filter(revision=draft).exclude(pk=created.pk).order_by("-position")[0]
    assert created.position == last.position + 1

    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        content_create(revision=draft, model=Endpoint, name="List", path="no-slash")
    assert "Path must start with" in str(refused.value)
    assert Endpoint.objects.filter(revision=draft).count() == 3
