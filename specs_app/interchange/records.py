"""What the parsers read: plain values with the line each came from, not model instances, so that
the canonical importer and importers of looser variants can share them."""

from dataclasses import dataclass, field


@dataclass
class ParsedItem:
    """A business rule, constraint or migration note: one line of text."""

    line: int
    text: str
    #: The row's uid when the record is read from a revision (blank when parsed from text).
    uid: str = ""


@dataclass
class ParsedTestCase:
    line: int
    text: str
    verified: bool = False
    uid: str = ""


@dataclass
class ParsedParameter:
    line: int
    location: str  # header | path | query
    name: str
    type: str
    required: bool = True
    constraints: str = ""
    description: str = ""
    uid: str = ""


@dataclass
class ParsedBodyField:
    line: int
    part: str  # request | response
    name: str
    type: str
    required: bool = True
    constraints: str = ""
    description: str = ""
    uid: str = ""


@dataclass
class ParsedError:
    line: int
    status_code: int
    description: str = ""
    uid: str = ""


@dataclass
class ParsedEndpoint:
    line: int
    name: str
    method: str = ""
    path: str = ""
    authentication: str = ""
    user_ownership: str = ""
    success_status: int | None = None
    parameters: list[ParsedParameter] = field(default_factory=list)
    body_fields: list[ParsedBodyField] = field(default_factory=list)
    errors: list[ParsedError] = field(default_factory=list)
    business_rules: list[ParsedItem] = field(default_factory=list)
    test_cases: list[ParsedTestCase] = field(default_factory=list)
    #: The line each one-line value was read from, by attribute name.
    lines: dict[str, int] = field(default_factory=dict)
    uid: str = ""
    #: The data model the endpoint is linked to by name (`**Model**`); blank: automatic.
    data_model: str = ""


@dataclass
class ParsedApi:
    title: str = ""
    overview: str = ""
    overview_line: int = 0
    endpoints: list[ParsedEndpoint] = field(default_factory=list)


@dataclass
class ParsedField:
    line: int
    name: str
    type: str
    primary_key: bool = False
    auto: bool = False
    references: str = ""
    nullable: bool = False
    unique: bool = False
    default: str = ""
    other_constraints: str = ""
    description: str = ""
    uid: str = ""


@dataclass
class ParsedRelationship:
    line: int
    kind: str
    target: str
    fk_field: str = ""
    target_column: str = ""
    on_delete: str = ""
    through_table: str = ""
    uid: str = ""


@dataclass
class ParsedIndex:
    line: int
    name: str
    columns: str
    unique: bool = False
    purpose: str = ""
    uid: str = ""


@dataclass
class ParsedModel:
    line: int
    name: str
    table: str = ""
    ownership: str = ""
    fields: list[ParsedField] = field(default_factory=list)
    relationships: list[ParsedRelationship] = field(default_factory=list)
    indexes: list[ParsedIndex] = field(default_factory=list)
    constraints: list[ParsedItem] = field(default_factory=list)
    migration_notes: list[ParsedItem] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)
    uid: str = ""


@dataclass
class ParsedSchema:
    title: str = ""
    overview: str = ""
    overview_line: int = 0
    models: list[ParsedModel] = field(default_factory=list)
