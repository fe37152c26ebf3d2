"""Registers every command group on the app; one module per area keeps each file short."""

# ruff: noqa: F401, I001
from . import case_cmds
from . import course_cmds
from . import due_cmds
from . import team_cmds
from . import safety_cmds
