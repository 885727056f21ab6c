"""What requesters report about assignments (ratings, complaints) and what the product knows
of a person's work, flowing back into the register: complaint decisions, renewals from
evidence."""
