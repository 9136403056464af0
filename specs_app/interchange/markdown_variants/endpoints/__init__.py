"""The loose REST endpoint reader, one module per part of the work (reader.py is the entry)."""
