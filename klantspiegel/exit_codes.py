"""The command line's exit codes, one declaration for every command."""

from enum import IntEnum


class ExitCode(IntEnum):
    """What a command's exit status means."""

    OK = 0  # built, valid, or served until stopped
    CONTENT = 1  # the portfolio has errors (or could not be rendered)
    USAGE = 2  # the command was wrong: an option, a folder, a password file
