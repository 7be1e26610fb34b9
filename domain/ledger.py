"""The compliance ledger: every "(Policy requirement)"/"(Legal requirement)" paragraph.

A case lists each requirement it has reached and whether and when it was met, so a
reader can check the case against the guidance (design.md, "What status shows").
"""

REQUIREMENTS: dict[str, str] = {
    "7": "Positive feedback saved to the case record promptly after it is received",
    "8": "Manager task 'positive feedback received' set with the main contents, linked",
    "9": "Manager reviews, comments to the caseworker copied to the Directors and CEO",
    "12": "A service complaint really about a decision is treated as a decision complaint",
    "13": "Service complaint considered by or passed to the case owner's manager",
    "14": "The manager attempts to resolve the service complaint",
    "18": "An upheld service complaint is offered an appropriate remedy",
    "19": "Learning points and good practice shared with the line manager and organisation",
    "31": "Reasonable adjustments captured and followed",
    "35": "Out-of-time request with no reasonable explanation declined, reasons recorded",
    "36": "Out-of-time request with a reasonable explanation considered",
    "53": "OAT informs the case owner (and their manager if supervised) of the outcome",
    "55": "Learning points (or good practice) from the review recorded (Annex A)",
    "56": "Learning recorded on the review case and fed back to the case owner's manager",
    "58": "An upheld decision's analysis considers and explains the remedy proposed",
    "59": "Remedy follows the Principles for Remedy: impact, proportionality, restoration",
    "63": "Parties told of a proposed new detailed investigation with a summary; agreed "
    "under the Delegation Scheme (Legal requirement)",
    "64": "Comments considered; new case opened and sent to shared services as a priority",
    "65": "New detailed investigation treated as a priority and its risk reconsidered",
    "68": "A proposed quash is raised with the Legal Team with details and reasons",
    "69": "The decision to quash is made only by the Ombudsman or a Deputy",
    "73": "A new detailed investigation is approved by the Ombudsman or a Deputy",
    "74": "The closing letter says the internal complaints process has ended",
    "76": "A joint PHSO/LGSCO decision is directed to the Joint Working Team",
}
