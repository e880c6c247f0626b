"""Isolation of the personal data pages: none of their URLs takes a parameter (they act on the signed-in
account, or on the collectivity's settings), so there is no case to list. A URL with an id added here later
needs an IsolationCase."""

CASES: list = []
EXEMPT: dict[str, str] = {}
