"""CA Desk desktop program (PySide6). Talks to desk services only, never SQL."""
