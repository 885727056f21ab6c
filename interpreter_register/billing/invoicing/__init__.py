"""Invoices (issue 17): the organisations' billing data, the monthly run, the numbering,
the documents (PDF, UBL, the month's zip and journal), Peppol sending, and the pages."""
