"""The one place where read records are made to fit the validators, saying what changed.

- repair.py: every value of a variant's records checked with the row models' own validators
  (`fit_records`), the code readers' models (SQL, SQLModel) with the same rules
  (`checked_models`), and `numbered`, the one way a repeated name is renamed;
- schema_variant.py: a markdown variant's models made whole first (`fit_variant_models`).
"""

from specs_app.interchange.fit.repair import (
    RowModels,
    checked_models,
    fit_records,
    numbered,
    repair_api,
    repair_schema,
)
from specs_app.interchange.fit.schema_variant import fit_variant_models

__all__ = [
    "RowModels",
    "checked_models",
    "fit_records",
    "fit_variant_models",
    "numbered",
    "repair_api",
    "repair_schema",
]
