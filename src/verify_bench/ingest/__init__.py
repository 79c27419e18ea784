"""Importing evidence: scanning inputs, safe archive extraction, sandboxed parsing workers."""
