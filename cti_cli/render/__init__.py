"""Render layer of cti."""
