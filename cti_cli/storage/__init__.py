"""Storage layer of cti."""
