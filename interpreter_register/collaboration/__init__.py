"""Working together on a request: its message thread (and, with uploads, its documents)."""
