"""Isolation cases of the FranceConnect area: none of its URLs takes a parameter.

What keeps one city's FranceConnect sign-in from being completed on another's site (the state lives in
the session of the host it started on; each city has its own credentials and cached keys) is tested in
test_franceconnect.py::test_each_city_has_its_own_credentials_and_sign_ins.
"""

CASES: list = []
EXEMPT: dict[str, str] = {}
