#!/bin/sh
# The namespace and the custom search attributes operators filter on (design.md,
# "Operators"): the same list `reviews dev` registers (contract/search_attributes.py).
set -eu
: "${TEMPORAL_ADDRESS:=temporal:7233}" "${REVIEWS_NAMESPACE:=default}"
until temporal operator cluster health --address "$TEMPORAL_ADDRESS"; do sleep 2; done
temporal operator namespace describe -n "$REVIEWS_NAMESPACE" --address "$TEMPORAL_ADDRESS" \
  || temporal operator namespace create -n "$REVIEWS_NAMESPACE" --address "$TEMPORAL_ADDRESS"
add() {
  temporal operator search-attribute create --namespace "$REVIEWS_NAMESPACE" --address "$TEMPORAL_ADDRESS" \
    --name "$1" --type "$2" || true
}
add CaseRef Keyword
add ReviewKind Keyword
add ReviewStage Keyword
add CaseOwner Keyword
add RiskLevel Keyword
add AwaitingRole Keyword
add Outcome Keyword
add GroundsDeadline Datetime
add JrWindowEnds Datetime
add AwaitingDue Datetime
add LedgerUnmet KeywordList
echo "namespace $REVIEWS_NAMESPACE and search attributes ready"
