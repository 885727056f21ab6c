"""The home page of each role: what that role works on, one page each."""
