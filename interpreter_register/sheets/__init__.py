"""After the assignment: completion sheets that the interpreter files and the requester
confirms, disputes settled by the service, corrections as new versions, the PDF, and the
receipts. Billing (a layer above) reads what settled sheets say."""
