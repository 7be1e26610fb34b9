"""The back-office HTTP API (design.md, "Back-office HTTP API"): one ASGI app with the
cases, messages, evidence, letters and tasks routes, bearer-token identity, RFC 9457
problems, and the codec server for the Temporal Web UI."""
