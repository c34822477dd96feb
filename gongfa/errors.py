"""The error every service raises when a rule is broken, for every domain to share."""


class ServiceError(ValueError):
    """A rule was broken; ``field`` names the form field the message belongs next to."""

    def __init__(self, message, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        self.field = field
