"""allauth's social account adapter for Parvis: FranceConnect configured by each collectivity.

settings: SOCIALACCOUNT_ADAPTER = "tenant_apps.identity.adapter.SocialAccountAdapter"

The FranceConnect app is built from the collectivity's `FranceConnectConfig` row on each request (never a
`SocialApp` row). New accounts always go through the sign-up form, so that the person accepts the terms
of use before the account exists.
"""

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter

from tenant_apps.identity import franceconnect

_UNSET = object()


def _offered(request):
    """The collectivity's FranceConnect settings when it offers the sign-in (read once per request)."""
    config = getattr(request, "_franceconnect_offered", _UNSET) if request is not None else _UNSET
    if config is _UNSET:
        config = franceconnect.franceconnect_offered()
        if request is not None:
            request._franceconnect_offered = config
    return config


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def list_apps(self, request, provider=None, client_id=None):
        # FranceConnect credentials live in the collectivity's settings, never in SocialApp rows.
        apps = [app for app in super().list_apps(request, provider=provider, client_id=client_id)
                if franceconnect.PROVIDER_ID not in (app.provider, app.provider_id)]
        if provider in (None, franceconnect.PROVIDER_ID):
            config = _offered(request)
            if config is not None and client_id in (None, config.client_id):
                apps.append(franceconnect.social_app(config))
        return apps

    def get_provider(self, request, provider, client_id=None):
        if provider == franceconnect.PROVIDER_ID:
            # Also when FranceConnect is switched off or its client id changed: existing links still show
            # (connections page) and a sign-up under way still completes. Starting a sign-in checks that it
            # is offered (identity:franceconnect_login answers 404 otherwise).
            config = _offered(request) or franceconnect.franceconnect_config_get()
            return franceconnect.FranceConnectProvider(request, app=franceconnect.social_app(config))
        return super().get_provider(request, provider, client_id=client_id)

    def list_providers(self, request):
        providers = super().list_providers(request)
        config = _offered(request)
        if config is not None:
            providers.append(franceconnect.FranceConnectProvider(request, app=franceconnect.social_app(config)))
        return providers

    def is_auto_signup_allowed(self, request, sociallogin):
        # The sign-up form asks for the acceptance of the terms of use before the account is created.
        if franceconnect.is_franceconnect(sociallogin):
            return False
        return super().is_auto_signup_allowed(request, sociallogin)

    def is_email_verified(self, provider, email):
        if provider.id == franceconnect.PROVIDER_ID:
            return True
        return super().is_email_verified(provider, email)

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form=form)
        franceconnect.sociallogin_record(request, sociallogin, user)
        return user
