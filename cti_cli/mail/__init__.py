"""Mail layer of cti."""
