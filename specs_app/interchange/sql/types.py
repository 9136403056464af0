"""What a column's change of type means for its data, read from the two types sqlglot parsed:
whether every old value fits the new type (widening) or some may not (narrowing), whether
PostgreSQL rewrites the table to make the change, and whether it needs a `USING` cast."""

from dataclasses import dataclass

from sqlglot import exp

T = exp.DataType.Type

# Integer types by the values they hold, smallest first.
_INTEGER_RANK = {
    T.TINYINT: 1,
    T.SMALLINT: 2,
    T.SMALLSERIAL: 2,
    T.MEDIUMINT: 3,
    T.INT: 4,
    T.SERIAL: 4,
    T.BIGINT: 5,
    T.BIGSERIAL: 5,
}
_STRINGS = exp.DataType.TEXT_TYPES | {T.CHAR, T.NCHAR}
# Types whose values PostgreSQL stores alike, so that changing between them needs no rewrite:
# varchar(n) → varchar(m ≥ n) or text, and numeric(p, s) → numeric(q ≥ p, s).
_NO_REWRITE_TARGETS = {T.TEXT, T.VARCHAR}


@dataclass(frozen=True)
class TypeChange:
    narrowing: bool  # some values of the old type may not fit the new one
    rewrites: bool  # PostgreSQL rewrites the table (and its indexes) under an exclusive lock
    needs_using: bool  # PostgreSQL has no assignment cast: the change needs USING col::type


def type_change(old: exp.DataType | None, new: exp.DataType | None) -> TypeChange:
    if old is None or new is None:  # a type the writer could not read: assume the worst
        return TypeChange(narrowing=True, rewrites=True, needs_using=True)
    if old.this in _STRINGS and new.this in _STRINGS:
        return _strings(old, new)
    if old.this in _INTEGER_RANK and new.this in _INTEGER_RANK:
        wider = _INTEGER_RANK[new.this] >= _INTEGER_RANK[old.this]
        same = _INTEGER_RANK[new.this] == _INTEGER_RANK[old.this]
        return TypeChange(narrowing=not wider, rewrites=not same, needs_using=False)
    if old.this in exp.DataType.NUMERIC_TYPES and new.this in exp.DataType.NUMERIC_TYPES:
        return _numbers(old, new)
    if new.this in _STRINGS:  # anything reads as text; a bounded one may cut it
        bound = _length(new)
        return TypeChange(narrowing=bound is not None, rewrites=True, needs_using=False)
    return TypeChange(narrowing=True, rewrites=True, needs_using=True)


def _strings(old: exp.DataType, new: exp.DataType) -> TypeChange:
    old_length, new_length = _length(old), _length(new)
    unbounded = new_length is None
    wider = unbounded or (old_length is not None and new_length >= old_length)
    same_storage = new.this in _NO_REWRITE_TARGETS and old.this in _NO_REWRITE_TARGETS
    return TypeChange(narrowing=not wider, rewrites=not (same_storage and wider), needs_using=False)


def _numbers(old: exp.DataType, new: exp.DataType) -> TypeChange:
    decimals = (T.DECIMAL, T.BIGDECIMAL)
    if old.this in decimals and new.this in decimals:
        (old_precision, old_scale), (new_precision, new_scale) = _precision(old), _precision(new)
        if new_precision is None:
            return TypeChange(
                narrowing=False, rewrites=old_precision is not None, needs_using=False
            )
        fits = (
            old_precision is not None
            and new_scale >= old_scale
            and new_precision - new_scale >= old_precision - old_scale
        )
        same_scale = new_scale == old_scale
        return TypeChange(narrowing=not fits, rewrites=not (fits and same_scale), needs_using=False)
    widening = old.this in _INTEGER_RANK and new.this in (*decimals, T.DOUBLE)
    return TypeChange(narrowing=not widening, rewrites=True, needs_using=False)


def _length(data_type: exp.DataType) -> int | None:
    params = [p.this for p in data_type.expressions if isinstance(p, exp.DataTypeParam)]
    if params and isinstance(params[0], exp.Literal) and params[0].is_number:
        return int(params[0].this)
    return None


def _precision(data_type: exp.DataType) -> tuple[int | None, int]:
    params = [p.this for p in data_type.expressions if isinstance(p, exp.DataTypeParam)]
    numbers = [int(p.this) for p in params if isinstance(p, exp.Literal) and p.is_number]
    if not numbers:
        return None, 0
    return numbers[0], numbers[1] if len(numbers) > 1 else 0
