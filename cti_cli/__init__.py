"""cti: Critical Time Intervention courses kept as one YAML file per citizen."""

__version__ = "0.1.0"
