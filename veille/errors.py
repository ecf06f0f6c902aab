"""The one error type users see: a message and the fix, printed on one line."""


class VeilleError(Exception):
    """An error the user can act on. ``str()`` is the French line printed by the CLI."""

    def __init__(self, message: str, fix: str | None = None):
        # One line, always: messages often embed a library's multi-line error text.
        message = " ".join(message.split())
        super().__init__(message)
        self.message = message
        self.fix = " ".join(fix.split()) if fix else fix

    def __str__(self) -> str:
        return f"{self.message} — {self.fix}" if self.fix else self.message
