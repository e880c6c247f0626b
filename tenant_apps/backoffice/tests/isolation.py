"""Cross-collectivity isolation cases of the back-office's site configuration (see tests/isolation.py).

The harness's client is anonymous: these views look their object up before checking the role, so city A
answers its own object with the sign-in redirect (302) and city B answers 404.
"""

from tests.isolation import IsolationCase

SQUARE = {"type": "Polygon", "coordinates": [[[4.8, 45.7], [4.9, 45.7], [4.9, 45.8], [4.8, 45.8], [4.8, 45.7]]]}


def _district(city):
    from tenant_apps.participation.services import district_create

    district = district_create(name="Quartier isolé de la ville A", outline=SQUARE)
    return {"pk": district.pk}, district.name


def _theme(city):
    from tenant_apps.participation.services import theme_create

    theme = theme_create(label_fr="Thème isolé de la ville A")
    return {"pk": theme.pk}, theme.label_fr


def _department(city):
    from tenant_apps.organisation.services import department_create

    department = department_create(name="Service isolé de la ville A")
    return {"pk": department.pk}, department.name


def _staff_account(city):
    from tenant_apps.participation.tests.factories import account

    agent = account("agent", email="agent-isole@ville-a.example")
    return {"pk": agent.pk}, agent.email


CASES = [
    IsolationCase("backoffice:district_edit", _district, status_home=302),
    IsolationCase("backoffice:district_delete", _district, status_home=302),
    IsolationCase("backoffice:theme_edit", _theme, status_home=302),
    IsolationCase("backoffice:theme_delete", _theme, status_home=302),
    IsolationCase("backoffice:department_edit", _department, status_home=302),
    IsolationCase("backoffice:staff_edit", _staff_account, status_home=302),
]

EXEMPT = {
    "backoffice:page_edit": "The key names one of the four legal pages every collectivity has (not an object of "
                            "city A): each host edits its own, for its administrators only; an unknown key is a 404.",
}
