"""The words of a spec that both the stored rows and the file formats use, defined once.

The bottom of the layers: it imports nothing of the project, so models, interchange and services
may all import it.
"""

# Where a spec's two files go unless the spec says otherwise.
DEFAULT_API_PATH = "specs/api/rest-endpoints.md"
DEFAULT_SCHEMA_PATH = "specs/database/schema.md"

# A spec's API compatibility modes (Spec.compatibility), as Apicurio names its rules.
COMPATIBILITY_MODES = ("none", "backward", "forward", "full")

# Relationship kinds (Relationship.kind).
BELONGS_TO, HAS_ONE, HAS_MANY, MANY_TO_MANY = "belongs_to", "has_one", "has_many", "many_to_many"
RELATIONSHIP_LABELS = {
    BELONGS_TO: "Belongs to",
    HAS_ONE: "Has one",
    HAS_MANY: "Has many",
    MANY_TO_MANY: "Many to many",
}

# ON DELETE actions (Relationship.on_delete), in the order the editor offers them.
CASCADE, SET_NULL, RESTRICT, NO_ACTION, SET_DEFAULT = (
    "CASCADE",
    "SET NULL",
    "RESTRICT",
    "NO ACTION",
    "SET DEFAULT",
)
ON_DELETE_ACTIONS = (CASCADE, SET_NULL, RESTRICT, NO_ACTION, SET_DEFAULT)

# Where a parameter goes (Parameter.location), and which body a field belongs to (BodyField.part).
HEADER, PATH, QUERY = "header", "path", "query"
REQUEST, RESPONSE = "request", "response"
