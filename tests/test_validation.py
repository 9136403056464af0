"""Values the canonical markdown cannot carry are refused by model validation, with a message."""

import pytest
from django.core.exceptions import ValidationError

from specs_app.models import DataModel, Relationship, Revision, Spec
from tests.factories import SpecFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def model(workspace):
    spec = SpecFactory(workspace=workspace)
    revision = Revision.objects.create(spec=spec)
    return DataModel.objects.create(revision=revision, name="Task", table="tasks")


def _relationship(model, **values) -> Relationship:
    return Relationship(revision=model.revision, model=model, target="User", **values)


def test_relationship_refuses_parts_its_kind_cannot_show(model):
    rel = _relationship(model, kind="has_many", fk_field="tasks.user_id", on_delete="CASCADE")
    with pytest.raises(ValidationError) as refused:
        rel.full_clean()
    assert "has no on delete" in str(refused.value)


def test_relationship_requires_the_parts_of_its_kind(model):
    with pytest.raises(ValidationError) as refused:
        _relationship(model, kind="belongs_to", fk_field="user_id").full_clean()
    assert "Required for a “Belongs to” relationship" in str(refused.value)
    _relationship(
        model, kind="belongs_to", fk_field="user_id", target_column="users.id", on_delete="CASCADE"
    ).full_clean()


def test_control_characters_are_refused(model):
    model.ownership = "owned\x00by user"
    with pytest.raises(ValidationError, match="Control characters"):
        model.full_clean()


def test_spec_file_paths_must_differ(workspace):
    spec = Spec(workspace=workspace, slug="s", title="S", api_path="a.md", schema_path="a.md")
    with pytest.raises(ValidationError, match="different paths"):
        spec.full_clean()
