"""veille: press coverage and court dockets of a subject, turned into a chronology."""

__version__ = "0.1.0"
