"""Pure rules and models of the review and feedback guidance (v12).

Nothing here talks to Temporal, a database or the network, so every rule can be
unit-tested alone and imported by workflows through the sandbox.
"""
