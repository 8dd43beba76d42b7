"""The closed sets of the fact-base format (kinds of facts, qualifiers) as plain tuples, for the
command line and the API, which must not import Pydantic to check an option. ``ccifacts.model``
defines them; a test keeps these equal to it."""

FACT_KINDS = ("metric", "milestone", "policy", "plan", "target", "profile")
QUALIFIERS = ("exact", "more_than", "at_least", "approx", "nearly", "less_than", "up_to")
