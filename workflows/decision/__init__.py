"""A complaint about a decision (paras 20-74): the workflow in workflow.py, then one
module per paragraph group with each stage next to the checks of its messages."""
