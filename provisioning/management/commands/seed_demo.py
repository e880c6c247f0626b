from django.core.management.base import BaseCommand

from provisioning.demo import DEMO_PASSWORD, DEMO_TOTP_SECRET, seed_demo


class Command(BaseCommand):
    help = "Create the demo collectivities (villeneuve, agglo-lac) and an account per role; print logins."

    def handle(self, *args, **options):
        logins = seed_demo()
        port = ":8000"
        self.stdout.write("\nParvis — comptes de démonstration / demo accounts")
        self.stdout.write(f"Mot de passe / password: {DEMO_PASSWORD}")
        self.stdout.write(f"Second facteur (TOTP) / second factor secret: {DEMO_TOTP_SECRET}"
                          "  — `make totp` prints the current code\n")
        for login in logins:
            totp = "  (+ TOTP)" if login["totp"] else ""
            self.stdout.write(f"  http://{login['host']}{port}/  {login['role']:<11} {login['email']}{totp}")
        self.stdout.write("")
