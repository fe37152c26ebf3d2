"""Team layer of cti."""
