"""Registers every command group on the app; one module per area keeps each file short."""

# ruff: noqa: F401, I001
from cti_cli.cli import case_cmds
from cti_cli.cli import course_cmds
from cti_cli.cli import due_cmds
from cti_cli.cli import team_cmds
from cti_cli.cli import safety_cmds
from cti_cli.cli import report_cmds
from cti_cli.cli import plan_cmds
