"""Invoices to organisations and statements for interpreters: tariffs, charges, documents."""
