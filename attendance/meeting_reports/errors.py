"""What a report that cannot be read raises: a message for the person who uploaded it."""

FIX_HINT = "Correct the file or export the report again, then upload it."


class ReportError(ValueError):
    """A report that cannot be read; str(error) is a clear message for a person (what is wrong and what to do)."""
