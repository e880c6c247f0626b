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
    return render(request, "portal/my_account.html")
