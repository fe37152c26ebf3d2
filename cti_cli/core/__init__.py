"""Core layer of cti."""
