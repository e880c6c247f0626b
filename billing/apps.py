from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Plans, licences and the Stripe client: the only app that imports `stripe`."""

    name = "billing"
