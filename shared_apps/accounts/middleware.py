from django.shortcuts import redirect
from django.urls import reverse

from shared_apps.accounts.policies import has_second_factor, second_factor_required


class SecondFactorRequiredMiddleware:
    """Operators and city administrators without TOTP are sent to set it up before anything else."""

    ALLOWED_PREFIXES = ("/comptes/", "/i18n/", "/static/", "/media/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and second_factor_required(user)
            and not has_second_factor(user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?next={request.path}")
        return self.get_response(request)
