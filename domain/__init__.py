"""Pure rules and models of the review and feedback guidance (v12).

Nothing here talks to Temporal, a database or the network, so every rule can be
unit-tested alone and imported by workflows through the sandbox.
"""

# The open inputs refer to the state models (continue-as-new): load them together.
from domain import state as _state  # noqa: E402, F401
