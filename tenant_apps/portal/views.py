from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from tenant_apps.pages.models import Page
from tenant_apps.participation.selectors import home_overview


def home(request):
    return render(request, "portal/home.html", home_overview(user=request.user))


def page(request, key):
    return render(request, "portal/page.html", {"page": get_object_or_404(Page, key=key)})


@login_required
def my_account(request):
    return render(request, "portal/my_account.html")
