"""Revisions: fork a snapshot into a draft, publish a draft as the spec's next head."""

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from specs_app.models import (
    CONTENT_MODELS,
    ContentRow,
    DataModel,
    Endpoint,
    Revision,
    Spec,
)
from specs_app.models.validators import normalize_overview
from specs_app.services.errors import RevisionImmutable

_PARENT_MODELS = {"endpoint": Endpoint, "model": DataModel}


def _copy_rows_sql(model: type[ContentRow]) -> str:
    """INSERT … SELECT that copies one content table from one revision into another.

    Rows keep their uid; children are re-pointed to the parent row with the same uid in the new
    revision. One statement per table, so a fork costs the same number of queries for any size.
    """
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = [
        f.column
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name not in ("revision", model.parent_field)
    ]
    target = ["revision_id", *columns]
    source = ["%s", *[f"src.{quote(c)}" for c in columns]]
    joins = ""
    if model.parent_field:
        parent_table = quote(_PARENT_MODELS[model.parent_field]._meta.db_table)
        parent_column = quote(model._meta.get_field(model.parent_field).column)
        target.append(model._meta.get_field(model.parent_field).column)
        source.append("new_parent.id")
        joins = (
            f" JOIN {parent_table} old_parent ON old_parent.id = src.{parent_column}"
            f" JOIN {parent_table} new_parent ON new_parent.uid = old_parent.uid"
            " AND new_parent.revision_id = %s"
        )
    return (
        f"INSERT INTO {table} ({', '.join(quote(c) for c in target)})"
        f" SELECT {', '.join(source)} FROM {table} src{joins} WHERE src.revision_id = %s"
    )


def revision_fork(
    *, source: Revision, author=None, message: str = "", overviews: dict | None = None
) -> Revision:
    """Copy `source` (all content tables) into a new draft with the same uids and new pks;
    `overviews` ({"api_overview": …, "schema_overview": …}) replace the source's."""
    with transaction.atomic():
        draft = Revision.objects.create(
            spec_id=source.spec_id,
            state=Revision.State.DRAFT,
            parent=source,
            author=author,
            message=message,
            **{
                "api_overview": source.api_overview,
                "schema_overview": source.schema_overview,
                **(overviews or {}),
            },
        )
        with connection.cursor() as cursor:
            for model in CONTENT_MODELS:
                params = [draft.pk]
                if model.parent_field:
                    params.append(draft.pk)
                params.append(source.pk)
                cursor.execute(_copy_rows_sql(model), params)
    return draft


def revision_create_draft(*, spec: Spec, author=None, message: str = "") -> Revision:
    """A draft to edit: a fork of the head, or an empty draft for a spec without one."""
    if spec.head_id:
        return revision_fork(source=spec.head, author=author, message=message)
    return Revision.objects.create(spec=spec, author=author, message=message)


def revision_publish(*, revision: Revision, message: str | None = None) -> Revision:
    """Turn a draft into the spec's next numbered revision and make it the head."""
    with transaction.atomic():
        spec = Spec.objects.select_for_update().get(pk=revision.spec_id)
        locked = Revision.objects.select_for_update().get(pk=revision.pk)
        if locked.state != Revision.State.DRAFT:
            raise RevisionImmutable(f"{locked.label} is already published.")
        last = Revision.objects.filter(spec=spec).aggregate(n=Max("number"))["n"] or 0
        locked.state = Revision.State.PUBLISHED
        locked.number = last + 1
        locked.published_at = timezone.now()
        if message is not None:
            locked.message = message
        locked.save(update_fields=["state", "number", "published_at", "message"])
        spec.head = locked
        spec.save(update_fields=["head"])
    revision.refresh_from_db()
    return locked


def require_draft(revision: Revision) -> None:
    if revision.state != Revision.State.DRAFT:
        raise RevisionImmutable(
            f"{revision.label} is published and cannot change; edit it in a change request."
        )


def revision_update_overviews(
    *, revision: Revision, api_overview: str | None = None, schema_overview: str | None = None
) -> Revision:
    with transaction.atomic():
        locked = Revision.objects.select_for_update().get(pk=revision.pk)
        require_draft(locked)
        if api_overview is not None:
            locked.api_overview = normalize_overview(api_overview)
        if schema_overview is not None:
            locked.schema_overview = normalize_overview(schema_overview)
        locked.full_clean(exclude=["spec", "parent", "author"])
        locked.save(update_fields=["api_overview", "schema_overview"])
    return locked


__all__ = [
    "require_draft",
    "revision_create_draft",
    "revision_fork",
    "revision_publish",
    "revision_update_overviews",
]


def revision_row_count(revision: Revision) -> int:
    """Rows of every content table in `revision` (one query per table)."""
    return sum(model.objects.filter(revision=revision).count() for model in CONTENT_MODELS)
