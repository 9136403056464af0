"""Synthetic import files of one shape each (many headings, many endpoints, one huge table, long
lines, many list items, deep nesting), of about a given size: what `measure_import --scaling`
times at two sizes to show that reading grows with a file's size, not with its square."""

from collections.abc import Callable


def _canonical_endpoint(i: int) -> str:
    return f"""## Endpoint {i}

**Method**: GET
**Path**: /api/things{i}/{{id}}
**Authentication**: Required
**User Ownership**: Yes

### Request
- **Headers**:
  - `Authorization`: string (required) - Bearer token
- **Path Parameters**:
  - `id`: integer (required) - The thing
- **Query Parameters**: None
- **Body Schema**: None

### Response
- **Success (200)**:
  ```json
  {{
    "id": "integer (required)"
  }}
  ```
- **Errors**:
  - 401: Unauthorized

### Business Rules
- Only the owner reads a thing

### Test Cases
- [ ] reads a thing

"""


def _canonical_model(i: int) -> str:
    return f"""## Thing{i}

**Table**: things{i}
**Ownership**: Owned

### Fields
| Name | Type | Constraints | Description |
|------|------|-------------|-------------|
| id | int | PK, auto | Identifier |
| title | varchar(200) | NOT NULL | Title |

### Relationships
- None

### Indexes
- None

### Constraints
- None

### Migration Notes
- None

"""


def _variant_endpoint(i: int) -> str:
    return (
        f"### GET /api/things{i}\nReturns thing {i}.\n\n"
        "| Field | Type | Description |\n|---|---|---|\n| id | int | The id |\n\n"
    )


def _nested(i: int) -> str:
    """A list nested 40 levels, a blockquote 40 deep and JSON nested 90 levels (under the
    limit of 100), under one endpoint heading."""
    items = "".join(" " * (2 * level) + f"- item {level}\n" for level in range(40))
    quote = ">" * 40 + " quoted\n"
    body = '{"a": ' * 90 + "1" + "}" * 90
    return f"## POST /api/nested{i}\n\n{items}\n{quote}\nRequest body:\n\n```json\n{body}\n```\n\n"


#: name → (file kind, the file for n repetitions).
SHAPES: dict[str, tuple[str, Callable[[int], str]]] = {
    "many headings": ("api", lambda n: "# API\n\n" + "".join(f"## H{i}\n" for i in range(n))),
    "many schema headings": (
        "schema",
        lambda n: "".join(f"# Heading {i}\n" for i in range(n)),
    ),
    "canonical endpoints": (
        "api",
        lambda n: "# REST API Endpoints\n\n" + "".join(map(_canonical_endpoint, range(n))),
    ),
    "canonical models": (
        "schema",
        lambda n: "# Database Schema\n\n" + "".join(map(_canonical_model, range(n))),
    ),
    "variant endpoints": ("api", lambda n: "# API\n\n" + "".join(map(_variant_endpoint, range(n)))),
    "one huge table": (
        "api",
        lambda n: (
            "# API\n\n## GET /api/x\n\n| Name | Type | Description |\n|---|---|---|\n"
            + "".join(f"| f{i} | string | the value {i} |\n" for i in range(n))
        ),
    ),
    "long lines": ("api", lambda n: "# API\n\n## GET /api/x\n\n" + ("word " * 2000 + "\n") * n),
    "many list items": (
        "api",
        lambda n: "# API\n\n## GET /api/x\n\n" + "".join(f"- item{i}: string\n" for i in range(n)),
    ),
    "deep nesting": ("api", lambda n: "# API\n\n" + "".join(map(_nested, range(n)))),
}


def shaped_file(shape: str, size: int) -> str:
    """The file of `shape` with the fewest repetitions that make it at least `size` bytes."""
    make = SHAPES[shape][1]
    high = 1
    while len(make(high).encode()) < size:
        high *= 2
    low = high // 2
    while high - low > 1:
        middle = (low + high) // 2
        if len(make(middle).encode()) < size:
            low = middle
        else:
            high = middle
    return make(high)
