from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from tenant_apps.pages.models import Page
from tenant_apps.participation.selectors import home_overview
from tenant_apps.portal.selectors import home_blocks_ordered, home_texts, site_settings_get


def home(request):
    settings = site_settings_get()
    context = home_overview(user=request.user)
    context.update(home_blocks=home_blocks_ordered(settings), home_texts=home_texts(settings))
    return render(request, "portal/home.html", context)


def page(request, key):
    return render(request, "portal/page.html", {"page": get_object_or_404(Page, key=key)})


@login_required
def my_account(request):
    from tenant_apps.identity.assurance import assurance_summary, identity_verified
    from tenant_apps.identity.franceconnect import franceconnect_offered

    return render(request, "portal/my_account.html", {
        "levels": assurance_summary(request.user),
        # Someone who signed up with an e-mail can verify their identity by linking FranceConnect.
        "offer_franceconnect": franceconnect_offered() is not None and not identity_verified(request.user),
    })
