"""Locale layer of cti."""
