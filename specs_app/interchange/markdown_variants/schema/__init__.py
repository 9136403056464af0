"""The loose database schema reader, one module per part of the work (reader.py is the entry)."""
