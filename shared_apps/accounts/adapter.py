from dataclasses import dataclass

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.db import connection


@dataclass(frozen=True)
class SiteIdentity:
    """What allauth's e-mails call `current_site`: the collectivity's name and host."""

    name: str
    domain: str


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        # The control plane has operators only; they are created by other operators.
        return connection.schema_name != settings.PUBLIC_SCHEMA_NAME

    def send_mail(self, template_prefix, email, context):
        # E-mails are signed by the collectivity ("Villeneuve"), not by a bare host name.
        request = getattr(self, "request", None)
        tenant = getattr(request, "tenant", None)
        if tenant is not None and request is not None:
            name = "Parvis" if tenant.is_public else tenant.name
            context = {"current_site": SiteIdentity(name=name, domain=request.get_host()), **context}
        return super().send_mail(template_prefix, email, context)
