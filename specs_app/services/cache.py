"""Derived data that cannot go stale, kept in Django's cache.

A published revision never changes, so its export, its lint findings under given settings and
its diff with another published revision can be computed once. A draft changes only through a
change request, whose `content_version` goes up with every edit, so a key that holds it is
outdated the moment the draft changes. Rendered markdown is keyed by a hash of its text.
"""

import hashlib
from collections.abc import Callable

from django.core.cache import cache

#: Bump when the shape of a cached value changes, so that old entries are ignored.
_VERSION = 1


def remembered(parts: tuple, compute: Callable):
    """`compute()`, or the value it gave before for the same `parts`."""
    key = "studio:" + hashlib.sha256(repr((_VERSION, *parts)).encode()).hexdigest()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value)
    return value


def text_key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
