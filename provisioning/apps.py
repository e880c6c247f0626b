from django.apps import AppConfig


class ProvisioningConfig(AppConfig):
    """Bringing collectivities online, seeding them, retiring them."""

    name = "provisioning"
