"""A month's documents in one zip (a service's statements, or its invoices), built by the
background worker instead of inside the web request, kept in the upload store for a few
days and downloaded by the service's dispatchers."""
