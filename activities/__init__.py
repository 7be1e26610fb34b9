"""Every side effect of the review process: case records, letters, shared services."""
