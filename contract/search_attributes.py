"""Custom search attributes an operator filters on in the Web UI (design.md, "Operators")."""

from temporalio.common import SearchAttributeKey

CASE_REF = SearchAttributeKey.for_keyword("CaseRef")
REVIEW_KIND = SearchAttributeKey.for_keyword("ReviewKind")
REVIEW_STAGE = SearchAttributeKey.for_keyword("ReviewStage")
CASE_OWNER = SearchAttributeKey.for_keyword("CaseOwner")
RISK_LEVEL = SearchAttributeKey.for_keyword("RiskLevel")
AWAITING_ROLE = SearchAttributeKey.for_keyword("AwaitingRole")
GROUNDS_DEADLINE = SearchAttributeKey.for_datetime("GroundsDeadline")
JR_WINDOW_ENDS = SearchAttributeKey.for_datetime("JrWindowEnds")
OUTCOME = SearchAttributeKey.for_keyword("Outcome")
# Beyond design.md's list: when the awaited step is due, and unmet ledger items at close.
AWAITING_DUE = SearchAttributeKey.for_datetime("AwaitingDue")
LEDGER_UNMET = SearchAttributeKey.for_keyword_list("LedgerUnmet")

ALL = (
    CASE_REF,
    REVIEW_KIND,
    REVIEW_STAGE,
    CASE_OWNER,
    RISK_LEVEL,
    AWAITING_ROLE,
    GROUNDS_DEADLINE,
    JR_WINDOW_ENDS,
    OUTCOME,
    AWAITING_DUE,
    LEDGER_UNMET,
)
