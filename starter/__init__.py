"""The `reviews` CLI and the client library back-office systems call."""
