"""Relationship lines → (the model they belong to, the relationship, what was guessed)."""

import re

from specs_app.interchange.lines import split_relationship
from specs_app.interchange.markdown_variants.schema.models_by_name import _Registry
from specs_app.interchange.markdown_variants.schema.part_lines import (
    _ARROW_FK,
    _CARDINALITY,
    _THROUGH,
    _VERBS,
    _cardinality_kind,
    _on_delete_in,
)
from specs_app.interchange.markdown_variants.schema.parts import _name_for_table
from specs_app.interchange.names import snake_case, strip_code
from specs_app.interchange.records import (
    ParsedField,
    ParsedModel,
    ParsedRelationship,
)
from specs_app.vocabulary import BELONGS_TO, HAS_MANY, HAS_ONE, MANY_TO_MANY

# ---------------------------------------------------------------------------------------------
# Relationship lines → (the model they belong to, the relationship, what was guessed)

_Read = tuple[ParsedModel, ParsedRelationship, list[str]]


def _read_relationship(
    text: str, line: int, default: ParsedModel | None, registry: _Registry
) -> _Read | None:
    plain = " ".join(strip_code(text).split())
    canonical = split_relationship(plain, line)
    if canonical is not None and default is not None:
        return default, canonical, []
    on_delete = _on_delete_in(plain)
    arrow = _ARROW_FK.search(plain)
    if arrow:
        return _from_arrow(arrow, line, default, registry, on_delete)
    for kind, verb in _VERBS:
        match = verb.search(plain)
        if match:
            before = registry.mentions(plain[: match.start()])
            after = registry.mentions(plain[match.end() :])
            subject = before[-1][2] if before else default
            target = after[0][2] if after else None
            return _build_relationship(kind, subject, target, plain, line, on_delete)
    cardinality = _CARDINALITY.search(plain)
    if cardinality:
        return _from_cardinality(cardinality, plain, line, default, registry, on_delete)
    return None


def _from_arrow(
    arrow: re.Match, line: int, default: ParsedModel | None, registry: _Registry, on_delete: str
) -> _Read | None:
    subject = registry.find(arrow["source"]) if arrow["source"] else default
    if subject is None:
        return None
    target = registry.find(arrow["table"])
    table = target.table if target else arrow["table"]
    name = target.name if target else _name_for_table(arrow["table"])
    target_column = f"{table}.{arrow['column'] or arrow['column2']}"
    fk = _field_named(subject, arrow["fk"])
    if fk is not None and not fk.references:
        fk.references = target_column
    fk_name = fk.name if fk else arrow["fk"]
    relationship = ParsedRelationship(
        line, BELONGS_TO, name, fk_name, target_column, on_delete or "NO ACTION"
    )
    return subject, relationship, []


def _from_cardinality(
    match: re.Match,
    plain: str,
    line: int,
    default: ParsedModel | None,
    registry: _Registry,
    on_delete: str,
) -> _Read | None:
    named: list[ParsedModel] = []
    for start, end, model in registry.mentions(plain):
        outside = end <= match.start() or start >= match.end()
        if outside and all(model is not other for other in named):
            named.append(model)
    if len(named) == 1 and default is not None and named[0] is not default:
        named.insert(0, default)
    if len(named) < 2:
        return None
    kind = _cardinality_kind(match)
    return _build_relationship(kind, named[0], named[1], plain, line, on_delete)


def _build_relationship(
    kind: str,
    subject: ParsedModel | None,
    target: ParsedModel | None,
    plain: str,
    line: int,
    on_delete: str,
) -> _Read | None:
    if subject is None or target is None or subject is target:
        return None
    through = _THROUGH.search(plain)
    via = through["name"] if through else ""
    if kind == BELONGS_TO:
        return _belongs_to(subject, target, via, line, on_delete)
    if kind in (HAS_MANY, HAS_ONE):
        return _has(kind, subject, target, via, line)
    if not via:
        return None
    return subject, ParsedRelationship(line, MANY_TO_MANY, target.name, through_table=via), []


def _belongs_to(
    subject: ParsedModel, target: ParsedModel, via: str, line: int, on_delete: str
) -> _Read:
    fk = _field_named(subject, via) or _field_referencing(subject, target.table)
    guesses = []
    if fk is None:
        fk_name = via if _is_fk_name(via) else f"{snake_case(target.name)}_id"
        target_column = f"{target.table}.{_primary_key_name(target)}"
        guesses.append(
            f"belongs to {target.name}: foreign key {fk_name} -> {target_column} guessed"
        )
    else:
        fk_name = fk.name
        target_column = fk.references or f"{target.table}.{_primary_key_name(target)}"
    relationship = ParsedRelationship(
        line, BELONGS_TO, target.name, fk_name, target_column, on_delete or "NO ACTION"
    )
    return subject, relationship, guesses


def _has(kind: str, subject: ParsedModel, target: ParsedModel, via: str, line: int) -> _Read:
    fk = _field_named(target, via) or _field_referencing(target, subject.table)
    guesses = []
    if fk is None:
        column = via if _is_fk_name(via) else f"{snake_case(subject.name)}_id"
        fk_field = f"{target.table}.{column}"
        guesses.append(f"{kind.replace('_', ' ')} {target.name}: foreign key {fk_field} guessed")
    else:
        fk_field = f"{target.table}.{fk.name}"
    return subject, ParsedRelationship(line, kind, target.name, fk_field), guesses


def _field_named(model: ParsedModel, name: str) -> ParsedField | None:
    lower = name.lower()
    return next((f for f in model.fields if f.name.lower() == lower), None) if name else None


def _field_referencing(model: ParsedModel, table: str) -> ParsedField | None:
    lower = table.lower()
    return next(
        (f for f in model.fields if f.references.split(".")[0].lower() == lower and f.references),
        None,
    )


def _is_fk_name(name: str) -> bool:
    return bool(re.fullmatch(r"[^\W\d]\w*_id", name or "", re.IGNORECASE))


def _primary_key_name(model: ParsedModel) -> str:
    return next((f.name for f in model.fields if f.primary_key), "id")
