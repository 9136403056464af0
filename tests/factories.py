"""Factories for users, workspaces and spec content, and builders for whole specs."""

import factory
from django.contrib.auth import get_user_model

from specs_app import models as m


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("pw")


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"ws-{n}")


def admin_of(workspace: m.Workspace):
    """A user who is an admin of `workspace`: the actor of the services only admins may call."""
    admin = UserFactory()
    m.Membership.objects.create(workspace=workspace, user=admin, role=m.Role.ADMIN)
    return admin


class SpecFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Spec

    workspace = factory.SubFactory(WorkspaceFactory)
    slug = factory.Sequence(lambda n: f"spec-{n}")
    title = factory.Sequence(lambda n: f"Spec {n}")


class EndpointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Endpoint

    name = factory.Sequence(lambda n: f"Get Thing {n}")
    method = m.Method.GET
    path = factory.Sequence(lambda n: f"/api/v1/things{n}/{{thing_id}}")
    authentication = m.Authentication.REQUIRED
    user_ownership = "Only the caller's things"
    success_status = 200
    position = factory.Sequence(int)


class DataModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.DataModel

    name = factory.Sequence(lambda n: f"Thing{n}")
    table = factory.Sequence(lambda n: f"things{n}")
    ownership = "Enforced via user_id"
    position = factory.Sequence(int)


def _endpoint_children(endpoint: m.Endpoint) -> list:
    common = {"revision_id": endpoint.revision_id, "endpoint": endpoint}
    return [
        m.Parameter(location="header", name="Authorization", type="string", **common),
        m.Parameter(location="path", name="thing_id", type="integer", position=1, **common),
        m.Parameter(
            location="query",
            name="limit",
            type="integer",
            required=False,
            constraints="1-100, default 20",
            description="Page size",
            position=2,
            **common,
        ),
        m.BodyField(part="request", name="title", type="string", constraints="1-200", **common),
        m.BodyField(part="response", name="id", type="integer", description="Id", **common),
        m.ErrorCase(status_code=404, description="Not the caller's thing", **common),
        m.ErrorCase(status_code=401, description="No token", position=1, **common),
        m.BusinessRule(text="Only the owner sees it", **common),
        m.TestCase(text="GET of another user's thing returns 404", verified=True, **common),
    ]


def _model_children(model: m.DataModel) -> list:
    common = {"revision_id": model.revision_id, "model": model}
    return [
        m.Field(name="id", type="int", primary_key=True, auto=True, **common),
        m.Field(
            name="user_id",
            type="varchar(64)",
            references="users.id",
            position=1,
            description="Owner | reference",
            **common,
        ),
        m.Field(
            name="title",
            type="text",
            nullable=True,
            unique=True,
            default="'x'",
            other_constraints="CHECK (length(title) > 0)",
            position=2,
            **common,
        ),
        m.Relationship(
            kind="belongs_to",
            target="User",
            fk_field="user_id",
            target_column="users.id",
            on_delete="CASCADE",
            **common,
        ),
        m.Relationship(kind="many_to_many", target="Tag", through_table="x_tags", **common),
        m.Index(name=f"idx_{model.table}_user_id", columns="user_id", purpose="owner", **common),
        m.ModelConstraint(text="All queries MUST filter by user_id", **common),
        m.MigrationNote(text="Created in the initial migration", **common),
    ]


def fill_revision(revision: m.Revision, *, endpoints: int, models: int) -> None:
    """Put `endpoints` endpoints and `models` models, each with rows in every child table,
    into `revision` (bulk inserts, so that large specs are quick to build)."""
    built_endpoints = m.Endpoint.objects.bulk_create(
        EndpointFactory.build_batch(endpoints, revision=revision)
    )
    built_models = m.DataModel.objects.bulk_create(
        DataModelFactory.build_batch(models, revision=revision)
    )
    children = [c for e in built_endpoints for c in _endpoint_children(e)]
    children += [c for d in built_models for c in _model_children(d)]
    for model in (*m.ENDPOINT_CHILDREN, *m.MODEL_CHILDREN):
        model.objects.bulk_create([c for c in children if type(c) is model])


def published_spec(*, workspace: m.Workspace, endpoints: int = 2, models: int = 2, **kwargs):
    """A spec whose head is r1 with the given amount of content."""
    from specs_app.services.revisions import revision_publish

    spec = SpecFactory(workspace=workspace, **kwargs)
    draft = m.Revision.objects.create(spec=spec, api_overview="API overview.")
    fill_revision(draft, endpoints=endpoints, models=models)
    revision_publish(revision=draft)
    spec.refresh_from_db()
    return spec
