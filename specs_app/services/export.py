"""Revision → its two canonical markdown files (or its schema as SQL DDL): load the content tree,
call the pure writer."""

from dataclasses import fields as dataclass_fields

from specs_app.interchange.canonical.writer import (
    write_api_markdown,
    write_endpoint_section,
    write_model_section,
    write_schema_markdown,
)
from specs_app.interchange.files import write_spec_files
from specs_app.interchange.records import (
    ParsedApi,
    ParsedBodyField,
    ParsedEndpoint,
    ParsedError,
    ParsedField,
    ParsedIndex,
    ParsedItem,
    ParsedModel,
    ParsedParameter,
    ParsedRelationship,
    ParsedSchema,
    ParsedTestCase,
)
from specs_app.interchange.sql.writer import schema_ddl
from specs_app.models import DataModel, Endpoint, Revision
from specs_app.services.cache import remembered
from specs_app.services.content_tree import (
    load_api_tree,
    load_endpoint_tree,
    load_model_tree,
    load_schema_tree,
)


def revision_export(revision: Revision) -> dict[str, str]:
    """`{spec.api_path: api markdown, spec.schema_path: schema markdown}`. A published
    revision's files are computed once (see services/cache.py)."""
    spec = revision.spec

    def export() -> dict[str, str]:
        return write_spec_files(
            api_path=spec.api_path,
            api_rows=load_api_tree(revision=revision),
            api_overview=revision.api_overview,
            schema_path=spec.schema_path,
            schema_rows=load_schema_tree(revision=revision),
            schema_overview=revision.schema_overview,
        )

    if not revision.is_published:
        return export()
    return remembered(("export", revision.pk, spec.api_path, spec.schema_path), export)


def render_api_markdown(revision: Revision) -> str:
    return write_api_markdown(load_api_tree(revision=revision), revision.api_overview)


def render_schema_markdown(revision: Revision) -> str:
    return write_schema_markdown(load_schema_tree(revision=revision), revision.schema_overview)


def render_endpoint_markdown(endpoint: Endpoint) -> str:
    """One endpoint's `##` section (no trailing newline), as it appears in the API file."""
    return write_endpoint_section(endpoint, load_endpoint_tree(endpoint))


def render_model_markdown(model: DataModel) -> str:
    """One model's `##` section (no trailing newline), as it appears in the schema file."""
    return write_model_section(model, load_model_tree(model))


def revision_schema_records(revision: Revision) -> ParsedSchema:
    """The revision's models as the records the interchange writers read."""
    tree = load_schema_tree(revision=revision)
    models = []
    for model in tree.parents:
        rows = {name: tree.rows(model, name) for name in _RECORDS}
        models.append(
            ParsedModel(
                line=0,
                name=model.name,
                table=model.table,
                ownership=model.ownership,
                uid=str(model.uid),
                **{
                    name: [_record(record, row) for row in rows[name]]
                    for name, record in _RECORDS.items()
                },
            )
        )
    return ParsedSchema(overview=revision.schema_overview, models=models)


def revision_api_records(revision: Revision) -> ParsedApi:
    """The revision's endpoints as records, each row with its uid (what the API diff matches)."""
    tree = load_api_tree(revision=revision)
    endpoints = []
    for endpoint in tree.parents:
        endpoints.append(
            ParsedEndpoint(
                line=0,
                name=endpoint.name,
                method=endpoint.method,
                path=endpoint.path,
                authentication=endpoint.authentication,
                user_ownership=endpoint.user_ownership,
                success_status=endpoint.success_status,
                uid=str(endpoint.uid),
                data_model=endpoint.data_model,
                **{
                    name: [_record(record, row) for row in tree.rows(endpoint, name)]
                    for name, record in _API_RECORDS.items()
                },
            )
        )
    return ParsedApi(overview=revision.api_overview, endpoints=endpoints)


def revision_sql(revision: Revision, dialect: str) -> str:
    """The DDL of the revision's schema in `dialect` (postgresql, sqlite or mysql); a published
    revision's is computed once (see services/cache.py)."""

    def write() -> str:
        return schema_ddl(revision_schema_records(revision), dialect)

    if not revision.is_published:
        return write()
    return remembered(("sql", revision.pk, dialect), write)


_RECORDS = {
    "fields": ParsedField,
    "relationships": ParsedRelationship,
    "indexes": ParsedIndex,
    "constraints": ParsedItem,
    "migration_notes": ParsedItem,
}


_API_RECORDS = {
    "parameters": ParsedParameter,
    "body_fields": ParsedBodyField,
    "errors": ParsedError,
    "business_rules": ParsedItem,
    "test_cases": ParsedTestCase,
}


def _record(record: type, row):
    names = {f.name for f in dataclass_fields(record)} - {"line"}
    values = {name: getattr(row, name) for name in names}
    if "uid" in values:
        values["uid"] = str(values["uid"])
    return record(line=0, **values)
