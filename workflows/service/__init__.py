"""A complaint about our service (paras 10-19), one module per paragraph group:
resolution.py (10, 13-14, 16: the manager first; 15: OAT's advice passed on),
consideration.py (11, 15, 17-19: escalation, the decision, remedy and learning),
reclassify.py (12: really about a decision), kind.py (what it adds to the core) and
workflow.py (the workflow: its stages in order and its handlers)."""
