"""The lint rules, one module per category. Importing this package registers them."""

from specs_app.services.lint.rules import (  # noqa: F401
    ambiguity,
    completeness,
    crosscheck,
    errors,
    http,
    ownership,
    testability,
)
