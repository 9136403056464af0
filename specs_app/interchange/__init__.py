"""Spec files in and out: one folder per format, sharing the records they read into.

Readers and writers are pure: they import no ORM model and no service. The database half of an
import lives in services/imports.py.
"""
