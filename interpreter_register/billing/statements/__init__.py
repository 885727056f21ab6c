"""Interpreters' statements: per month, what each interpreter is owed by a service."""
