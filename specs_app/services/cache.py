"""Derived data that cannot go stale, kept in Django's cache.

A published revision never changes, so its export, its lint findings under given settings and
its diff with another published revision can be computed once. A draft changes only through a
change request, whose `content_version` goes up with every edit, so a key that holds it is
outdated the moment the draft changes. Rendered markdown is keyed by a hash of its text.
"""

import hashlib
from collections.abc import Callable
from pathlib import Path

from django.core.cache import cache

#: Bump when the shape of a cached value changes, so that old entries are ignored.
_VERSION = 1


def _code_version() -> str:
    """A digest of the code that computes what is cached (the formats and the services): a
    deploy that changes how an export, a diff or a DDL is written ignores the old entries, in
    a cache that outlives the process."""
    app = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256()
    for path in sorted([*app.glob("interchange/**/*.py"), *app.glob("services/**/*.py")]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_CODE = _code_version()


def remembered(parts: tuple, compute: Callable):
    """`compute()`, or the value it gave before for the same `parts`."""
    key = "studio:" + hashlib.sha256(repr((_VERSION, _CODE, *parts)).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
