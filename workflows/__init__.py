"""Temporal workflows only: deterministic, no I/O, no clock but workflow.now()."""
