"""What every client imports: the message table, status and receipt models, and the
search-attribute and memo keys (design.md, "Layout"). Nothing here touches SQLAlchemy,
jinja2, a database or the network, so a back-office client stays light."""

# The simulator runs a case on a clock shifted to the scenario's start; workflows read
# the shift from this memo key (the test server cannot start in the past).
CLOCK_OFFSET_MEMO = "clock_offset_seconds"
