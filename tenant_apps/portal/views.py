from django.contrib.auth.decorators import login_required
from django.shortcuts import render


def home(request):
    return render(request, "portal/home.html")


def terms(request):
    return render(request, "portal/terms.html")


def accessibility(request):
    return render(request, "portal/accessibility.html")


@login_required
def my_account(request):
    return render(request, "portal/my_account.html")
