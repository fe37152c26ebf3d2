"""Registers every command group on the app; one module per area keeps each file short."""

from . import case_cmds  # noqa: F401
from . import course_cmds  # noqa: F401
from . import due_cmds  # noqa: F401
