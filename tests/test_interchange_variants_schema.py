"""The lenient reader of database schema specs (interchange/markdown_variants/schema/): one
small fixture per variant of real-world files, with the exact records each gives."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from specs_app.interchange.records import ParsedModel
from specs_app.interchange.registry import read_schema_variant
from specs_app.models import DataModel, Field, Index, MigrationNote, ModelConstraint, Relationship
from specs_app.models.validators import validate_overview

FILE = "specs/database/schema.md"


def parse(text: str):
    return read_schema_variant(text, file=FILE)


def model_named(schema, name: str) -> ParsedModel:
    found = [model for model in schema.models if model.name == name]
    assert len(found) == 1, [model.name for model in schema.models]
    return found[0]


def fields_of(model: ParsedModel) -> dict:
    return {f.name: f for f in model.fields}


def relationship(kind: str, target: str, fk: str = "", column: str = "", **rest):
    return (kind, target, fk, column, rest.get("on_delete", ""), rest.get("through", ""))


def relationships_of(model: ParsedModel) -> list[tuple]:
    return [
        relationship(
            r.kind,
            r.target,
            r.fk_field,
            r.target_column,
            on_delete=r.on_delete,
            through=r.through_table,
        )
        for r in model.relationships
    ]


def texts(items) -> list[str]:
    return [item.text for item in items]


def messages(reports) -> list[str]:
    return [report.message for report in reports]


def at(reports, line: int) -> list[str]:
    return [report.message for report in reports if report.line == line]


def assert_valid(schema) -> None:
    """Every value passes the models' own validators, as the importer will check."""
    validate_overview(schema.overview)
    assert len({m.name for m in schema.models}) == len(schema.models)
    assert len({m.table for m in schema.models}) == len(schema.models)
    for model in schema.models:
        _clean(DataModel(name=model.name, table=model.table, ownership=model.ownership))
        assert len({f.name for f in model.fields}) == len(model.fields)
        for f in model.fields:
            _clean(Field(**{k: v for k, v in vars(f).items() if k not in ("line", "uid")}))
        for r in model.relationships:
            _clean(Relationship(**{k: v for k, v in vars(r).items() if k not in ("line", "uid")}))
        for i in model.indexes:
            _clean(Index(**{k: v for k, v in vars(i).items() if k not in ("line", "uid")}))
        for item in model.constraints:
            _clean(ModelConstraint(text=item.text))
        for item in model.migration_notes:
            _clean(MigrationNote(text=item.text))


def _clean(row) -> None:
    row.clean_fields(exclude=["revision", "model"])
    row.clean()


# ---------------------------------------------------------------------------------------------
# Models and their names

CANONICAL_LIKE = """\
# Library Schema

## Book

**Table**: books
**Ownership**: Each book row belongs to one library branch

### Fields
| Field | Type | Constraints | Description |
|-------|------|-------------|-------------|
| id | int | PK, auto | Book id |
| branch_id | varchar(64) | FK -> branches.id, NOT NULL | Owning branch |
| isbn | varchar(13) | NOT NULL, UNIQUE | ISBN-13 |
| shelved_on | date | NULL, DEFAULT now() | When shelved |
"""


def test_a_pascal_heading_with_a_table_label_and_a_fields_table():
    schema, warnings, errors = parse(CANONICAL_LIKE)

    assert errors == []
    assert schema.title == "# Library Schema"
    book = model_named(schema, "Book")
    assert (book.table, book.line, book.lines["table"]) == ("books", 3, 5)
    assert book.ownership == "Each book row belongs to one library branch"
    fields = fields_of(book)
    assert [(f.name, f.type, f.line) for f in book.fields] == [
        ("id", "int", 11),
        ("branch_id", "varchar(64)", 12),
        ("isbn", "varchar(13)", 13),
        ("shelved_on", "date", 14),
    ]
    assert (fields["id"].primary_key, fields["id"].auto, fields["id"].nullable) == (
        True,
        True,
        False,
    )
    assert (fields["branch_id"].references, fields["branch_id"].nullable) == ("branches.id", False)
    assert (fields["isbn"].unique, fields["isbn"].nullable) == (True, False)
    assert (fields["shelved_on"].nullable, fields["shelved_on"].default) == (True, "now()")
    assert relationships_of(book) == [
        relationship("belongs_to", "Branch", "branch_id", "branches.id", on_delete="NO ACTION")
    ]
    assert not any("nullability" in m for m in messages(warnings))
    assert_valid(schema)


@pytest.mark.parametrize(
    "heading",
    [
        "### books",
        "### Books Table",
        "### 1. Books Table",
        "### Table 1: books",
        "### 3.1 Books Table (`books`)",
        "## Books Table (Managed by the catalogue)",
        "### Table: `books`",
        "### 📚 Books",
        "#### `books`",
    ],
)
def test_a_table_heading_in_any_form_names_the_model(heading):
    text = f"## Tables\n\n{heading}\n\n| Column | Type |\n|---|---|\n| id | uuid |\n"

    schema, warnings, errors = parse(text)

    book = model_named(schema, "Book")
    assert (book.table, [f.name for f in book.fields]) == ("books", ["id"])
    assert errors == []
    assert not any("guessed" in message for message in messages(warnings))


@pytest.mark.parametrize("heading", ["## Book", "#### Book Model", "### Book Entity"])
def test_a_model_heading_without_a_table_name_guesses_the_table(heading):
    schema, warnings, _ = parse(f"{heading}\n\n| Field | Type |\n|---|---|\n| id | uuid |\n")

    book = model_named(schema, "Book")
    assert book.table == "books"
    assert "model “Book”: table name “books” guessed" in messages(warnings)


def test_a_table_label_names_the_table_of_a_numbered_heading():
    text = "## 2. Loans Table\n\n**Table Name:** `book_loans`\n\n"
    text += "| Column | Type |\n|--|--|\n| id | int |\n"

    schema, _, _ = parse(text)

    assert [(m.name, m.table) for m in schema.models] == [("BookLoan", "book_loans")]


def test_headings_about_the_schema_are_not_models():
    text = """\
## Overview

The catalogue of a small library.

## Relationships

- Nothing yet.

## Indexes

## Security Considerations

- Passwords are hashed.
"""
    schema, warnings, errors = parse(text)

    assert schema.models == []
    assert errors == []
    assert schema.overview == "The catalogue of a small library."
    assert (
        "section “Security Considerations” (lines 11-13) skipped: not a model or a part of one"
        in messages(warnings)
    )


def test_a_table_named_like_a_part_is_still_a_model():
    text = "## Tables\n\n### notes\n\n| Column | Type |\n|---|---|\n| id | int |\n| body | text |\n"

    schema, _, _ = parse(text)

    assert [(m.name, m.table, len(m.fields)) for m in schema.models] == [("Note", "notes", 2)]


# ---------------------------------------------------------------------------------------------
# Fields tables


def test_fields_table_headers_are_read_by_synonym_in_any_order():
    text = """\
### members

| Type | Column Name | Required | Default Value | Notes | FK | PK | Unique | Indexed | Example |
|------|-------------|----------|---------------|-------|----|----|--------|---------|---------|
| uuid | id | yes | gen_random_uuid() | Member id | | yes | | | 5f0c… |
| text | email | yes | - | Login | | | yes | | a@b.c |
| uuid | branch_id | no | | Home branch | branches(id) | | | yes | |
"""
    schema, warnings, errors = parse(text)

    assert errors == []
    member = model_named(schema, "Member")
    fields = fields_of(member)
    assert [(f.name, f.type) for f in member.fields] == [
        ("id", "uuid"),
        ("email", "text"),
        ("branch_id", "uuid"),
    ]
    assert (fields["id"].primary_key, fields["id"].default) == (True, "gen_random_uuid()")
    assert fields["id"].description == "Member id; Example: 5f0c…"
    assert (fields["email"].unique, fields["email"].nullable, fields["email"].default) == (
        True,
        False,
        "",
    )
    assert (fields["branch_id"].references, fields["branch_id"].nullable) == ("branches.id", True)
    assert [(i.name, i.columns) for i in member.indexes] == [("idx_members_branch_id", "branch_id")]
    assert at(warnings, 3) == [
        "model “Member”: the fields table's column(s) “Example” have no place in the format; "
        "their text was added to the field descriptions"
    ]
    assert "model “Member”: index name “idx_members_branch_id” generated" in at(warnings, 7)
    assert_valid(schema)


def test_check_marks_in_a_nullable_column():
    text = "### loans\n\n| Field | Type | Nullable |\n|---|---|---|\n"
    text += "| due | date | ✓ |\n| id | int | ✗ |\n"

    schema, _, _ = parse(text)

    fields = fields_of(model_named(schema, "Loan"))
    assert (fields["due"].nullable, fields["id"].nullable) == (True, False)


def test_the_constraints_cell_is_read_loosely():
    text = """\
### loans

| Column | Type | Constraints | Description |
|---|---|---|---|
| id | SERIAL | PRIMARY KEY | |
| book_id | uuid | `NOT NULL`, FOREIGN KEY → books(id) ON DELETE CASCADE | Lent book |
| state | varchar(10) | Not Null, DEFAULT 'open', CHECK (state IN ('open', 'closed')) | |
| note | text | Nullable, max 200 chars | |
| code | text | unique, indexed | |
"""
    schema, warnings, errors = parse(text)

    loan = model_named(schema, "Loan")
    fields = fields_of(loan)
    assert (fields["id"].primary_key, fields["id"].auto, fields["id"].nullable) == (
        True,
        True,
        False,
    )
    assert (fields["book_id"].references, fields["book_id"].nullable) == ("books.id", False)
    assert fields["book_id"].other_constraints == ""
    assert (fields["state"].default, fields["state"].other_constraints) == (
        "'open'",
        "CHECK (state IN ('open', 'closed'))",
    )
    assert (fields["note"].nullable, fields["note"].other_constraints) == (True, "max 200 chars")
    assert (fields["code"].unique, fields["code"].nullable) == (True, True)
    assert relationships_of(loan) == [
        relationship("belongs_to", "Book", "book_id", "books.id", on_delete="CASCADE")
    ]
    assert [(i.name, i.columns, i.line) for i in loan.indexes] == [("idx_loans_code", "code", 9)]
    assert "model “Loan”: nullability not stated for code; read as nullable (the SQL default)" in (
        messages(warnings)
    )
    assert errors == []
    assert_valid(schema)


def test_one_warning_per_model_lists_the_fields_whose_nullability_was_guessed():
    text = "### racks\n\n| Column | Type |\n|---|---|\n"
    text += "| id | int |\n| label | text |\n| floor | int |\n"

    _, warnings, _ = parse(text)

    guessed = [m for m in messages(warnings) if "nullability" in m]
    assert guessed == [
        "model “Rack”: nullability not stated for id, label, floor; read as nullable (the SQL "
        "default)"
    ]


def test_a_duplicate_field_in_one_table_keeps_the_first():
    text = "### racks\n\n| Column | Type |\n|---|---|\n| id | int |\n| id | text |\n"

    schema, warnings, _ = parse(text)

    assert [(f.name, f.type) for f in model_named(schema, "Rack").fields] == [("id", "int")]
    assert at(warnings, 6) == [
        "model “Rack”: field “id” is given twice (lines 5 and 6); kept the first"
    ]


# ---------------------------------------------------------------------------------------------
# Fields as bullet lists


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        (
            "- `id`: integer (Primary Key, Auto-increment)",
            dict(name="id", type="integer", primary_key=True, auto=True, nullable=False),
        ),
        (
            "- `title` - VARCHAR(255), NOT NULL - Book title",
            dict(name="title", type="VARCHAR(255)", nullable=False, description="Book title"),
        ),
        (
            "- **id** (UUID, PK): unique id",
            dict(name="id", type="UUID", primary_key=True, description="unique id"),
        ),
        (
            "- member_id: string, FK to members.id",
            dict(name="member_id", type="string", references="members.id"),
        ),
        (
            "- returned: boolean, default false",
            dict(name="returned", type="boolean", default="false", nullable=True),
        ),
        (
            "- created_at: TIMESTAMP WITH TIME ZONE (not null, default: now())",
            dict(type="TIMESTAMP WITH TIME ZONE", nullable=False, default="now()"),
        ),
        ("- tags: TEXT[] (optional)", dict(name="tags", type="TEXT[]", nullable=True)),
        (
            "- `shelf`: Optional[int] - Nullable, where the book is",
            dict(type="Optional[int]", nullable=True, description="where the book is"),
        ),
        (
            "- `state`: ENUM('open', 'closed') (Default: 'open', Not Null)",
            dict(type="ENUM('open', 'closed')", default="'open'", nullable=False),
        ),
        (
            "- `isbn`: Unique code of the book (varchar), unique",
            dict(type="varchar", unique=True, description="Unique code of the book"),
        ),
    ],
)
def test_a_field_list_item(item, expected):
    schema, _, errors = parse(f"### books\n\n**Columns:**\n{item}\n")

    assert errors == []
    (parsed,) = model_named(schema, "Book").fields
    assert {key: getattr(parsed, key) for key in expected} == expected
    assert parsed.line == 4
    assert_valid(schema)


def test_a_list_without_a_fields_label_is_fields_when_most_items_are_name_and_type():
    text = """\
### Book Model

- id: UUID - Primary key
- title: str - The title
- A book may be lent many times.
"""
    schema, warnings, _ = parse(text)

    book = model_named(schema, "Book")
    assert [(f.name, f.type) for f in book.fields] == [("id", "UUID"), ("title", "str")]
    assert texts(book.constraints) == ["A book may be lent many times."]
    assert "model “Book”: text kept as a constraint note" in at(warnings, 5)


def test_a_prose_list_is_not_read_as_fields():
    text = """\
### Catalogue Table

- Holds the catalogue entries.
- Entries are never deleted.
- Reviewed: yearly
"""
    schema, warnings, _ = parse(text)

    assert schema.models == []
    assert at(warnings, 1) == [
        "section “Catalogue Table” (lines 1-5) skipped: it reads as a model but has no fields, "
        "SQL or SQLModel"
    ]


def test_details_nested_under_a_field_item_are_its_description():
    text = """\
### books

- **id**: `str` (Primary Key)
    - **Description**: Book identifier.
- **title**: `str`
    - Shown in the catalogue
"""
    schema, _, _ = parse(text)

    fields = fields_of(model_named(schema, "Book"))
    assert fields["id"].description == "Book identifier."
    assert fields["title"].description == "Shown in the catalogue"


def test_a_pseudo_code_block_of_name_type_lines_is_a_field_list():
    text = """\
### `Loan` (table model)

```
class Loan(SQLModel, table=True):
    id:       int       — primary key, auto-increment
    due_on:   date      — not null
```

### `LoanCreate` (input schema)

```
class LoanCreate(SQLModel):
    due_on: date
```
"""
    schema, warnings, _ = parse(text)

    loan = model_named(schema, "Loan")
    assert [(f.name, f.type, f.primary_key, f.auto, f.nullable) for f in loan.fields] == [
        ("id", "int", True, True, False),
        ("due_on", "date", False, False, False),
    ]
    assert [m.name for m in schema.models] == ["Loan"]
    assert any(m.startswith("section “`LoanCreate` (input schema)”") for m in messages(warnings))


# ---------------------------------------------------------------------------------------------
# SQL and SQLModel code, and one model given several times

MERGED = """\
# Lending

## Loan

| Field | Type | Constraints | Description |
|---|---|---|---|
| id | integer | PK | Loan id |
| book_id | uuid | FK -> books.id, NOT NULL | Lent book |
| returned | boolean | NOT NULL | Whether returned |

```sql
CREATE TABLE loans (
    id SERIAL PRIMARY KEY,
    book_id UUID NOT NULL REFERENCES books(id) ON DELETE CASCADE,
    returned BOOLEAN DEFAULT FALSE,
    due_on DATE
);
CREATE INDEX idx_loans_book_id ON loans(book_id);
```

```python
class LoanRecord(SQLModel, table=True):
    __tablename__ = "loans"
    id: Optional[int] = Field(default=None, primary_key=True)
    book_id: uuid.UUID = Field(foreign_key="books.id")
    note: Optional[str] = None
```
"""


def test_a_model_given_as_a_table_sql_and_sqlmodel_is_one_model():
    schema, warnings, errors = parse(MERGED)

    assert errors == []
    assert [(m.name, m.table, m.line) for m in schema.models] == [("LoanRecord", "loans", 3)]
    (loan,) = schema.models
    assert [(f.name, f.type, f.line) for f in loan.fields] == [
        ("id", "integer", 7),
        ("book_id", "uuid", 8),
        ("returned", "boolean", 9),
        ("due_on", "DATE", 16),
        ("note", "str", 26),
    ]
    fields = fields_of(loan)
    assert (fields["id"].primary_key, fields["id"].auto, fields["id"].description) == (
        True,
        True,
        "Loan id",
    )
    assert (fields["returned"].nullable, fields["returned"].default) == (False, "FALSE")
    assert (fields["due_on"].nullable, fields["note"].nullable) == (True, True)
    assert relationships_of(loan) == [
        relationship("belongs_to", "Book", "book_id", "books.id", on_delete="CASCADE")
    ]
    assert [(i.name, i.columns) for i in loan.indexes] == [("idx_loans_book_id", "book_id")]
    assert at(warnings, 3) == [
        "model “LoanRecord”: merged from the table on line 5, SQL on line 12 and SQLModel on "
        "line 22"
    ]
    assert at(warnings, 15) == [
        "model “LoanRecord”: field “returned” is NOT NULL on line 9 but nullable on line(s) 15; "
        "kept line 9"
    ]
    assert_valid(schema)


def test_sql_outside_any_model_section_merges_with_the_models_it_defines():
    text = """\
## Tables

### members
- id: int (primary key)
- email: text (unique)

### Loan
| Column | Type |
|---|---|
| id | int |

## SQL Schema

```sql
CREATE TABLE members (id INT PRIMARY KEY, email TEXT NOT NULL UNIQUE);
CREATE TABLE loans (id INT PRIMARY KEY, member_id INT REFERENCES members(id));
CREATE TABLE fines (id INT PRIMARY KEY, amount NUMERIC(6, 2) NOT NULL);
```
"""
    schema, warnings, errors = parse(text)

    assert errors == []
    assert [(m.name, m.table) for m in schema.models] == [
        ("Member", "members"),
        ("Loan", "loans"),
        ("Fine", "fines"),
    ]
    member, loan, fine = schema.models
    assert [(f.name, f.nullable) for f in member.fields] == [("id", False), ("email", False)]
    assert [(f.name, f.references) for f in loan.fields] == [
        ("id", ""),
        ("member_id", "members.id"),
    ]
    assert [(f.name, f.type, f.line) for f in fine.fields] == [
        ("id", "INT", 17),
        ("amount", "DECIMAL(6, 2)", 17),
    ]
    assert "model “Loan”: merged from the table on line 8 and SQL on line 16" in messages(warnings)
    assert not any(m.startswith("section “SQL Schema”") for m in messages(warnings))


def test_an_unlabelled_code_block_that_starts_with_create_is_sql():
    schema, _, _ = parse("### fines\n\n```\nCREATE TABLE fines (id INT PRIMARY KEY);\n```\n")

    assert [(m.name, [f.name for f in m.fields]) for m in schema.models] == [("Fine", ["id"])]


def test_a_sqlmodel_class_alone_is_a_model():
    text = """\
## SQLModel Definitions

```python
class Member(SQLModel, table=True):
    id: int = Field(primary_key=True)
    nickname: Optional[str] = None
```
"""
    schema, warnings, errors = parse(text)

    assert errors == []
    member = model_named(schema, "Member")
    assert member.table == "member"
    assert [(f.name, f.type, f.nullable, f.line) for f in member.fields] == [
        ("id", "int", False, 5),
        ("nickname", "str", True, 6),
    ]
    assert not any("SQLModel Definitions" in m for m in messages(warnings))


def test_a_schema_file_that_is_plain_python():
    text = """\
from sqlmodel import SQLModel, Field

# 1. MEMBER MODEL
class Member(SQLModel, table=True):
    __tablename__ = "members"
    id: int = Field(primary_key=True)
    email: str = Field(unique=True)
"""
    schema, warnings, errors = parse(text)

    assert errors == []
    assert [(m.name, m.table, m.line) for m in schema.models] == [("Member", "members", 4)]
    assert [(f.name, f.unique) for f in schema.models[0].fields] == [
        ("id", False),
        ("email", True),
    ]
    assert at(warnings, 1) == ["the file is Python, not markdown: read its SQLModel table classes"]


# ---------------------------------------------------------------------------------------------
# The parts of a model

WITH_PARTS = """\
## Member

| Column | Type |
|---|---|
| id | int |

## Loan

**Table**: loans
**Ownership**: Enforced through member_id

### Columns
| Column | Type | Constraints |
|---|---|---|
| id | int | PK |
| member_id | int | FK -> members.id, NOT NULL |
| due_on | date | NOT NULL |
| code | text | NOT NULL |

### Relationships
- Belongs to Member (member_id -> members.id, CASCADE)
- Loan has many Renewals
- Loans are archived yearly

### Indexing
- `idx_loans_member_id` on (member_id) - lookups by member

### Data Integrity
- A loan lasts at most 30 days

### Migration Strategy
- Created in the first migration

## Renewal

| Column | Type |
|---|---|
| id | int |
"""


def test_parts_under_headings_of_a_model():
    schema, warnings, errors = parse(WITH_PARTS)

    assert errors == []
    loan = model_named(schema, "Loan")
    assert (loan.table, loan.ownership, loan.lines) == (
        "loans",
        "Enforced through member_id",
        {"name": 7, "table": 9, "ownership": 10},
    )
    assert relationships_of(loan) == [
        relationship("belongs_to", "Member", "member_id", "members.id", on_delete="CASCADE"),
        relationship("has_many", "Renewal", "renewals.loan_id"),
    ]
    assert [(r.kind, r.line) for r in loan.relationships] == [("belongs_to", 16), ("has_many", 22)]
    assert "model “Loan”: has many Renewal: foreign key renewals.loan_id guessed" in at(
        warnings, 22
    )
    assert [(i.name, i.columns, i.purpose, i.line) for i in loan.indexes] == [
        ("idx_loans_member_id", "member_id", "lookups by member", 26)
    ]
    assert [(c.text, c.line) for c in loan.constraints] == [
        ("Loans are archived yearly", 23),
        ("A loan lasts at most 30 days", 29),
    ]
    assert "model “Loan”: relationship not recognised; kept as a constraint note" in at(
        warnings, 23
    )
    assert [(n.text, n.line) for n in loan.migration_notes] == [
        ("Created in the first migration", 32)
    ]
    assert_valid(schema)


def test_parts_under_bold_labels_and_label_list_items():
    text = """\
### 2. Fines Table
- **Table Name:** `fines`
- **Columns:**
  - `id`: int (Primary Key)
  - `loan_id`: int (Foreign Key references `loans.id`, Not Null)

**Indexes:**
- `idx_fines_loan_id` on `(loan_id)` (lookups by loan)

**Foreign Keys**:
- `loan_id` → `loans(id)` with `ON DELETE CASCADE`

**Check Constraints**:
- Amount: `CHECK (amount >= 0)`
"""
    schema, _, errors = parse(text)

    assert errors == []
    fine = model_named(schema, "Fine")
    assert (fine.table, [f.name for f in fine.fields]) == ("fines", ["id", "loan_id"])
    assert relationships_of(fine) == [
        relationship("belongs_to", "Loan", "loan_id", "loans.id", on_delete="CASCADE")
    ]
    assert [(i.name, i.columns, i.purpose) for i in fine.indexes] == [
        ("idx_fines_loan_id", "loan_id", "lookups by loan")
    ]
    assert texts(fine.constraints) == ["Amount: `CHECK (amount >= 0)`"]


RELATED = """\
## Tables

### members
| Column | Type | Constraints |
|---|---|---|
| id | int | PK |

### books
| Column | Type | Constraints |
|---|---|---|
| id | int | PK |

### loans
| Column | Type | Constraints |
|---|---|---|
| id | int | PK |
| member_id | int | NOT NULL |
| due_on | date | NOT NULL |
| code | text | NOT NULL |

## Relationships

{line}
"""


@pytest.mark.parametrize(
    ("line", "model", "expected"),
    [
        (
            "- loans.member_id → members.id (many-to-one)",
            "Loan",
            relationship("belongs_to", "Member", "member_id", "members.id", on_delete="NO ACTION"),
        ),
        (
            "- `Loans.member_id` -> `Members.id` (Many-to-One, CASCADE DELETE)",
            "Loan",
            relationship("belongs_to", "Member", "member_id", "members.id", on_delete="CASCADE"),
        ),
        (
            "- Member has many Loans",
            "Member",
            relationship("has_many", "Loan", "loans.member_id"),
        ),
        (
            "- One member has many loans (1:N)",
            "Member",
            relationship("has_many", "Loan", "loans.member_id"),
        ),
        (
            "- One-to-Many: Members to Loans",
            "Member",
            relationship("has_many", "Loan", "loans.member_id"),
        ),
        (
            "- Each loan belongs to exactly one member",
            "Loan",
            relationship("belongs_to", "Member", "member_id", "members.id", on_delete="NO ACTION"),
        ),
        (
            "- Members <-> Books: many-to-many through loans",
            "Member",
            relationship("many_to_many", "Book", through="loans"),
        ),
    ],
)
def test_a_relationship_line_in_a_top_level_section(line, model, expected):
    schema, warnings, errors = parse(RELATED.format(line=line))

    assert errors == []
    assert relationships_of(model_named(schema, model)) == [expected]
    assert not any("skipped" in message for message in at(warnings, 23))
    assert_valid(schema)


def test_a_relationship_line_inside_a_model_needs_no_subject():
    text = RELATED.replace("| code | text | NOT NULL |", "| code | text | NOT NULL |\n\n{rel}")
    text = text.format(line="", rel="**Relationships**: Many-to-one with members via member_id")

    schema, _, _ = parse(text)

    assert relationships_of(model_named(schema, "Loan")) == [
        relationship("belongs_to", "Member", "member_id", "members.id", on_delete="NO ACTION")
    ]


def test_a_belongs_to_without_a_foreign_key_field_is_guessed_with_a_warning():
    schema, warnings, _ = parse(RELATED.format(line="- Each loan belongs to one book"))

    assert relationships_of(model_named(schema, "Loan")) == [
        relationship("belongs_to", "Book", "book_id", "books.id", on_delete="NO ACTION")
    ]
    assert at(warnings, 23) == [
        "model “Loan”: belongs to Book: foreign key book_id -> books.id guessed"
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("- `idx_loans_member_id` on (member_id)", ("idx_loans_member_id", "member_id", False, "")),
        (
            "- idx_loans_due: loans(due_on, member_id)",
            ("idx_loans_due", "due_on, member_id", False, ""),
        ),
        ("- loans.due_on", ("idx_loans_due_on", "due_on", False, "")),
        (
            "- Index on member_id (for member lookups)",
            ("idx_loans_member_id", "member_id", False, "for member lookups"),
        ),
        (
            "- Composite index on (member_id, due_on)",
            ("idx_loans_member_id_due_on", "member_id, due_on", False, ""),
        ),
        ("- `uq_loans_code` UNIQUE on (code)", ("uq_loans_code", "code", True, "")),
        (
            "- `idx_loans_recent`: INDEX on (due_on DESC) — newest first",
            ("idx_loans_recent", "due_on DESC", False, "newest first"),
        ),
    ],
)
def test_an_index_line(line, expected):
    text = RELATED.format(line="").replace("## Relationships", f"## Indexes\n\n{line}")

    schema, warnings, errors = parse(text)

    assert errors == []
    (index,) = model_named(schema, "Loan").indexes
    assert (index.name, index.columns, index.unique, index.purpose) == expected
    generated = f"model “Loan”: index name “{expected[0]}” generated"
    assert (generated in messages(warnings)) == (expected[0] not in line)
    assert_valid(schema)


def test_top_level_sections_place_lines_on_the_models_they_name_and_report_the_rest():
    text = RELATED.format(line="- loans.member_id -> members.id\n- The catalogue is public")
    text += "\n## Indexes\n\n- members.id (lookup)\n- Indexes are rebuilt nightly\n"

    schema, warnings, _ = parse(text)

    loan, member = model_named(schema, "Loan"), model_named(schema, "Member")
    assert [r.target for r in loan.relationships] == ["Member"]
    assert [(i.name, i.columns, i.purpose) for i in member.indexes] == [
        ("idx_members_id", "id", "lookup")
    ]
    assert at(warnings, 24) == [
        "section “Relationships”: 1 line(s) name no model of this file and were skipped (lines 24)"
    ]
    assert at(warnings, 29) == [
        "section “Indexes”: 1 line(s) name no model of this file and were skipped (lines 29)"
    ]


def test_a_top_level_constraints_section_with_a_heading_per_table():
    text = RELATED.format(line="").replace(
        "## Relationships",
        "## Data Integrity Rules\n\n### Loans Table\n1. Due dates are in the future\n",
    )

    schema, _, _ = parse(text)

    assert [(c.text, c.line) for c in model_named(schema, "Loan").constraints] == [
        ("Due dates are in the future", 24)
    ]


# ---------------------------------------------------------------------------------------------
# Nothing lost silently


def test_text_inside_a_model_is_kept_as_a_constraint_note_and_text_outside_is_reported():
    text = """\
# Library

Models of the lending service.

## Members Table

Stores one row per library card.

| Column | Type |
|---|---|
| id | int |

```json
{"example": true}
```

## Security

- Cards are hashed.

```
members ──< loans
```

## Overview

Written for the 2025 rewrite.
"""
    schema, warnings, errors = parse(text)

    assert errors == []
    member = model_named(schema, "Member")
    assert [(c.text, c.line) for c in member.constraints] == [
        ("Stores one row per library card.", 7)
    ]
    assert at(warnings, 7) == ["model “Member”: text kept as a constraint note"]
    assert at(warnings, 13) == [
        "model “Member”: code block (lines 13-15) is not SQL or SQLModel; skipped"
    ]
    assert at(warnings, 17) == [
        "section “Security” (lines 17-23) skipped: not a model or a part of one"
    ]
    assert schema.overview == "Models of the lending service.\n\nWritten for the 2025 rewrite."
    assert schema.overview_line == 3


def test_a_model_heading_with_parts_but_no_fields_is_kept():
    text = "## Tables\n\n### Members Table\n\n**Relationships**:\n- Members can hold cards\n"

    schema, warnings, _ = parse(text)

    member = model_named(schema, "Member")
    assert (member.fields, texts(member.constraints)) == ([], ["Members can hold cards"])
    assert "model “Member”: relationship not recognised; kept as a constraint note" in (
        messages(warnings)
    )


# ---------------------------------------------------------------------------------------------
# A file that mixes the variants

MIXED = """\
# Branch Library Schema

Tables of the branch library.

## Entities

### 1. Members Table (`members`)
| Column Name | Data Type | Constraints | Description |
|---|---|---|---|
| id | UUID | PRIMARY KEY | Card holder |
| email | VARCHAR(255) | UNIQUE, NOT NULL | Login |

### Book
- `id`: integer (Primary Key, Auto-increment)
- `title` - VARCHAR(200), NOT NULL - Title on the cover

### fines
```sql
CREATE TABLE fines (
    id SERIAL PRIMARY KEY,
    member_id UUID NOT NULL REFERENCES members(id)
);
```

## SQLModel

```python
class Loan(SQLModel, table=True):
    __tablename__ = "loans"
    id: int = Field(primary_key=True)
    book_id: int = Field(foreign_key="books.id")
    member_id: uuid.UUID = Field(foreign_key="members.id")
```

## Relationships

- Member has many Loans
- fines.member_id → members.id (many-to-one)
"""


def test_a_file_that_mixes_the_variants():
    schema, warnings, errors = parse(MIXED)

    assert errors == []
    assert [(m.name, m.table, m.line, len(m.fields)) for m in schema.models] == [
        ("Member", "members", 7, 2),
        ("Book", "books", 13, 2),
        ("Fine", "fines", 17, 2),
        ("Loan", "loans", 28, 3),
    ]
    member = model_named(schema, "Member")
    assert relationships_of(member) == [relationship("has_many", "Loan", "loans.member_id")]
    fine = model_named(schema, "Fine")
    assert relationships_of(fine) == [
        relationship("belongs_to", "Member", "member_id", "members.id", on_delete="NO ACTION")
    ]
    loan = model_named(schema, "Loan")
    assert [r.target for r in loan.relationships] == ["Book", "Member"]
    assert schema.overview == "Tables of the branch library."
    assert "model “Book”: table name “books” guessed" in messages(warnings)
    assert_valid(schema)


# ---------------------------------------------------------------------------------------------
# Robustness


def test_crlf_emoji_and_non_english_text():
    text = (
        "# Esquema de la biblioteca 📚\r\n\r\n"
        "## 📖 Libros\r\n\r\n"
        "| Column | Type | Constraints | Description |\r\n"
        "|---|---|---|---|\r\n"
        "| id | integer | PK ✅ | Identificador único |\r\n"
        "| título | texto | NOT NULL | El título del libro 🙂 |\r\n"
    )

    schema, warnings, errors = parse(text)

    assert errors == []
    assert "CR or CRLF line endings read as LF" in messages(warnings)
    libro = model_named(schema, "Libro")
    assert libro.table == "libros"
    assert [(f.name, f.type, f.primary_key, f.line) for f in libro.fields] == [
        ("id", "integer", True, 7),
        ("título", "texto", False, 8),
    ]
    assert fields_of(libro)["título"].description == "El título del libro 🙂"
    assert_valid(schema)


def test_an_unclosed_fence_is_an_error_and_what_comes_before_it_is_still_read():
    text = "### books\n\n| Column | Type |\n|---|---|\n| id | int |\n\n```text\nsome notes\n"

    schema, _, errors = parse(text)

    assert [(e.line, e.message) for e in errors] == [
        (
            7,
            "the code fence opened on line 7 is never closed, so every line after it would be "
            "read as code",
        )
    ]
    assert [f.name for f in model_named(schema, "Book").fields] == ["id"]


@pytest.mark.parametrize(
    ("row", "cells"),
    [("| title |", 1), ("| title | text | extra |", 3)],
)
def test_a_fields_table_row_with_missing_or_extra_cells_is_an_error(row, cells):
    text = f"### books\n\n| Column | Type |\n|---|---|\n| id | int |\n{row}\n"

    _, _, errors = parse(text)

    assert [(e.line, e.message) for e in errors] == [
        (
            6,
            f"table row has {cells} cells, its header (line 3) has 2; add the missing cells "
            "(empty ones are fine) or remove the extra ones",
        )
    ]


def test_sql_that_does_not_parse_is_an_error():
    text = "### books\n\n```sql\nCREATE TABLE books (\n    id INT PRIMARY KEY,\n    title TEXT\n"
    text += "```\n"

    schema, _, errors = parse(text)

    assert [e.line for e in errors] == [4]
    assert errors[0].message.startswith("SQL statement not parsed")
    assert errors[0].message.endswith("the models this code defines would be lost: fix the code")
    assert schema.models == []


def test_sql_queries_that_do_not_parse_outside_a_model_are_only_warnings():
    text = "## Queries\n\n```sql\nSELECT * FROM books WHERE (\n```\n"

    _, warnings, errors = parse(text)

    assert errors == []
    assert any("Queries" in message for message in messages(warnings))


def test_python_with_a_syntax_error_in_a_fence_is_an_error():
    text = """\
### Book Model

```python
class Book(SQLModel, table=True):
    id: int = Field(primary_key=True
```
"""
    _, _, errors = parse(text)

    assert [e.line for e in errors] == [5]
    assert errors[0].message.startswith("Python not parsed")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty"),
        ("   \n\n", "the file is empty"),
        (
            "\x00\x01\x02binary\x03\x04",
            "the file is binary, not markdown text (a NUL byte on line 1); nothing was read",
        ),
        ("\x01\x02\x03binary\x04", "the file is binary, not markdown text; nothing was read"),
    ],
)
def test_empty_and_binary_files_are_errors(text, message):
    schema, _, errors = parse(text)

    assert (schema.models, messages(errors)) == ([], [message])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.sampled_from(
            [
                "## Books\n",
                "### tasks\n",
                "| Column | Type |\n|---|---|\n",
                "| id | int | PK |\n",
                "- `id`: integer (Primary Key)\n",
                "- Belongs to Book (book_id -> books.id)\n",
                "```sql\nCREATE TABLE x (id INT);\n```\n",
                "```python\nclass X(SQLModel, table=True):\n    id: int\n",
                "**Indexes:**\n",
                "- idx_x_id on (id\n",
                "## Relationships\n",
                "\r\n",
                "🙂 ✓ → ",
                "text with (unbalanced ' quote\n",
            ]
        ),
        max_size=12,
    )
)
def test_any_mix_of_fragments_never_raises_and_gives_valid_values(fragments):
    schema, _, errors = parse("".join(fragments))

    assert not any("could not be read" in message for message in messages(errors))
    assert_valid(schema)


# ---------------------------------------------------------------------------------------------
# Size


def test_five_hundred_models_are_read():
    model = "### table_{n}\n\n| Column | Type | Constraints |\n|---|---|---|\n"
    model += "| id | int | PK |\n| owner_id | int | FK -> table_0.id, NOT NULL |\n\n"
    text = "# Big\n\n## Tables\n\n" + "".join(model.format(n=n) for n in range(500))

    schema, _, errors = parse(text)

    assert (len(schema.models), errors) == (500, [])
    assert schema.models[499].fields[1].references == "table_0.id"


def test_a_plain_python_schema_file_with_a_syntax_error_is_an_error():
    text = "class Member(SQLModel, table=True):\n    id: int = Field(primary_key=True\n"

    schema, _, errors = parse(text)

    assert schema.models == []
    assert [e.line for e in errors] == [2]
    assert errors[0].message.startswith("Python not parsed")


def test_a_foreign_key_written_without_a_column_is_resolved_or_kept_as_text():
    text = RELATED.format(line="").replace(
        "| code | text | NOT NULL |",
        "| code | text | NOT NULL |\n| book_ref | int | Foreign Key to Book |\n"
        "| branch_id | int | FOREIGN KEY |",
    )

    schema, warnings, _ = parse(text)

    fields = fields_of(model_named(schema, "Loan"))
    assert (fields["book_ref"].references, fields["branch_id"].references) == ("books.id", "")
    assert fields["branch_id"].other_constraints == "FOREIGN KEY"
    assert "model “Loan”: field “book_ref” references books.id (guessed)" in at(warnings, 20)
    assert at(warnings, 21) == [
        "model “Loan”: field “branch_id”: the foreign key's target is not a model of this file; "
        "kept as constraint text"
    ]


def test_an_index_table_in_a_top_level_indexes_section():
    text = RELATED.format(line="").replace(
        "## Relationships",
        "## Indexes\n\n| Index Name | Columns | Purpose |\n|---|---|---|\n"
        "| idx_loans_due_on | due_on | Overdue scans |\n"
        "| uq_members_id | (id) | One row per card |",
    )

    schema, warnings, errors = parse(text)

    assert errors == []
    assert [
        (i.name, i.columns, i.purpose, i.line) for i in model_named(schema, "Loan").indexes
    ] == [("idx_loans_due_on", "due_on", "Overdue scans", 25)]
    assert [(i.name, i.unique) for i in model_named(schema, "Member").indexes] == [
        ("uq_members_id", False)
    ]


def test_canonical_relationship_lines_inside_a_model():
    text = RELATED.replace(
        "| code | text | NOT NULL |",
        "| code | text | NOT NULL |\n\n#### Relationships\n"
        "- Belongs to: Member (member_id -> members.id, SET NULL on delete)\n"
        "- Has one: Book (via books.loan_id)\n"
        "- Many to many: Member (through loan_guarantors)",
    ).format(line="")

    schema, _, errors = parse(text)

    assert errors == []
    assert relationships_of(model_named(schema, "Loan")) == [
        relationship("belongs_to", "Member", "member_id", "members.id", on_delete="SET NULL"),
        relationship("has_one", "Book", "books.loan_id"),
        relationship("many_to_many", "Member", through="loan_guarantors"),
    ]


def test_a_part_section_right_after_a_model_belongs_to_it():
    text = RELATED.format(line="- Belongs to: Member (member_id -> members.id, CASCADE on delete)")
    text = text.replace("## Relationships", "### Relationships")
    text += "\n### Indexes\n\n- `idx_loans_code` on (code)\n- members.id\n"

    schema, warnings, _ = parse(text)

    loan = model_named(schema, "Loan")
    assert relationships_of(loan) == [
        relationship("belongs_to", "Member", "member_id", "members.id", on_delete="CASCADE")
    ]
    assert [i.name for i in loan.indexes] == ["idx_loans_code"]
    assert [i.name for i in model_named(schema, "Member").indexes] == ["idx_members_id"]
