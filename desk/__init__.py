"""CA Desk core: the office's records, rules, statistics and documents. No Qt here."""

__version__ = "0.2.0"
