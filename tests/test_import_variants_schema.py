"""Real-world variants of the database schema template, one fixture file per variant in
tests/fixtures/variants/, with the records each must produce."""

from pathlib import Path

from specs_app.interchange.registry import read_schema_variant

VARIANTS = Path(__file__).parent / "fixtures" / "variants"


def parse(name: str):
    schema, warnings, errors = read_schema_variant((VARIANTS / name).read_text(), file=name)
    assert errors == []
    return schema, warnings


def model(schema, name: str):
    return next(m for m in schema.models if m.name == name)


def columns(parsed_model) -> list[tuple]:
    """(name, type, PK, references, nullable, default) of each field."""
    return [
        (f.name, f.type, f.primary_key, f.references, f.nullable, f.default)
        for f in parsed_model.fields
    ]


def test_field_tables_with_synonym_headers_in_any_order():
    schema, _ = parse("schema_table_synonyms.md")

    projects, members = schema.models
    assert (projects.name, projects.table) == ("Project", "projects")
    assert columns(projects) == [
        ("id", "SERIAL", True, "", False, ""),
        ("owner_id", "UUID", False, "users.id", False, ""),
        ("name", "VARCHAR(120)", False, "", False, ""),
        ("archived", "BOOLEAN", False, "", False, "false"),
        ("notes", "TEXT", False, "", True, ""),
    ]
    assert (members.name, members.table) == ("Member", "members")
    assert columns(members) == [
        ("id", "INTEGER", True, "", False, ""),
        ("project_id", "INTEGER", False, "projects.id", False, ""),
        ("role", "VARCHAR(20)", False, "", False, "'viewer'"),
    ]
    assert members.fields[0].auto
    (belongs,) = members.relationships
    assert (belongs.kind, belongs.target, belongs.fk_field) == (
        "belongs_to",
        "Project",
        "project_id",
    )
    assert (belongs.target_column, belongs.on_delete) == ("projects.id", "CASCADE")


def test_field_bullet_list_with_constraints_in_parentheses():
    schema, warnings = parse("schema_bullet_list.md")

    (invoice,) = schema.models
    assert (invoice.name, invoice.table) == ("Invoice", "invoices")
    assert columns(invoice) == [
        ("id", "integer", True, "", False, ""),
        ("customer_email", "varchar(255)", False, "", False, ""),
        ("total_cents", "integer", False, "", False, "0"),
        ("paid_at", "timestamp", False, "", True, ""),
    ]
    assert invoice.fields[0].auto and invoice.fields[1].unique
    assert invoice.fields[3].description == "When it was paid"
    assert any("table name “invoices” guessed" in w.message for w in warnings)


def test_sql_create_table_and_create_index():
    schema, _ = parse("schema_sql.md")

    customers, orders = schema.models
    assert (customers.name, customers.table) == ("Customer", "customers")
    assert columns(customers) == [
        ("id", "BIGSERIAL", True, "", False, ""),
        ("email", "VARCHAR(255)", False, "", False, ""),
        ("created_at", "TIMESTAMPTZ", False, "", False, "now()"),
    ]
    assert customers.fields[1].unique and customers.fields[1].description == "login name"
    assert columns(orders)[1] == ("customer_id", "BIGINT", False, "customers.id", False, "")
    assert orders.fields[2].other_constraints == "CHECK (status IN ('new', 'paid'))"
    assert [(i.name, i.columns, i.unique) for i in orders.indexes] == [
        ("idx_orders_customer", "customer_id", False),
        ("uq_orders_note", "customer_id, note", True),
    ]
    (belongs,) = orders.relationships
    assert (belongs.target, belongs.on_delete) == ("Customer", "CASCADE")


def test_sqlmodel_classes_in_a_python_block():
    schema, _ = parse("schema_sqlmodel.md")

    (book,) = schema.models
    assert (book.name, book.table) == ("Book", "books")
    assert columns(book) == [
        ("id", "int", True, "", False, ""),
        ("isbn", "str", False, "", False, ""),
        ("title", "str", False, "", False, ""),
        ("shelf_id", "int", False, "shelves.id", True, ""),
        ("added_at", "datetime", False, "", False, "datetime.utcnow()"),
    ]
    assert book.fields[0].auto and book.fields[1].unique
    assert book.fields[1].other_constraints == "max_length=13"
    assert [(i.name, i.columns) for i in book.indexes] == [("ix_books_isbn", "isbn")]


def test_a_schema_file_that_is_plain_python():
    schema, warnings = parse("schema_plain_python.py")

    (device,) = schema.models
    assert (device.name, device.table) == ("Device", "device")
    assert columns(device) == [
        ("id", "int", True, "", False, ""),
        ("serial", "str", False, "", False, ""),
        ("label", "str", False, "", True, ""),
    ]
    assert warnings[0].line == 1 and "Python" in warnings[0].message


def test_one_model_given_as_table_sql_and_sqlmodel_is_one_model_with_fields_merged():
    schema, warnings = parse("schema_mixed_one_model.md")

    (ticket,) = schema.models
    assert (ticket.name, ticket.table) == ("Ticket", "tickets")
    assert columns(ticket) == [
        ("id", "INTEGER", True, "", False, ""),
        ("subject", "VARCHAR(200)", False, "", False, ""),
        ("opened_at", "TIMESTAMP", False, "", False, "now()"),
        ("priority", "int", False, "", False, "3"),
    ]
    assert ticket.fields[0].description == "Ticket id"
    assert ticket.fields[0].auto  # from the SQL's SERIAL
    assert ticket.fields[3].description == "1 is the highest"
    assert [(i.name, i.columns, i.purpose) for i in ticket.indexes] == [
        ("idx_tickets_opened", "opened_at", "Newest first")
    ]
    assert [c.text for c in ticket.constraints] == ["subject cannot be blank"]
    assert [n.text for n in ticket.migration_notes] == ["Backfill priority with 3"]
    merged = [w for w in warnings if "merged from" in w.message]
    assert [w.line for w in merged] == [5]
    assert "table on line 7, SQL on line 13 and SQLModel on line 21" in merged[0].message


def test_a_file_that_mixes_table_list_and_sql_models_and_a_relationships_section():
    schema, _ = parse("schema_mixed_styles.md")

    assert [(m.name, m.table) for m in schema.models] == [
        ("Product", "products"),
        ("CartItem", "cart_items"),
        ("AuditEvent", "audit_events"),
    ]
    products, items, events = schema.models
    assert products.fields[1].other_constraints == "CHECK (price_cents >= 0)"
    assert columns(items) == [
        ("id", "uuid", True, "", False, ""),
        ("sku", "varchar(32)", False, "products.sku", False, ""),
        ("quantity", "integer", False, "", False, "1"),
    ]
    (belongs,) = items.relationships
    assert (belongs.kind, belongs.target, belongs.fk_field) == ("belongs_to", "Product", "sku")
    assert columns(events)[1] == ("payload", "JSONB", False, "", False, "")
