from django.shortcuts import render

from tenant_apps.backoffice.access import staff_required
from tenant_apps.backoffice.selectors import backoffice_overview


@staff_required
def home(request):
    return render(request, "backoffice/home.html", backoffice_overview(user=request.user))
