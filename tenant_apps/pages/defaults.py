"""Default texts of the pages every collectivity starts with (it edits them afterwards)."""

from django.utils.translation import gettext_lazy as _

DEFAULTS = {
    "legal_notice": (
        _("Legal notice"),
        _("This participation platform is published by %(name)s.\n\nPublication director: the head of the "
          "executive of %(name)s.\n\nHosting and software: Parvis, on servers located in France."),
    ),
    "accessibility": (
        _("Accessibility statement"),
        _("%(name)s is committed to making its participation platform accessible, in accordance with article 47 "
          "of law 2005-102 of 11 February 2005.\n\nCompliance status: this site is not compliant with the RGAA "
          "4.1 (French general accessibility improvement framework) because its compliance audit has not been "
          "carried out yet.\n\nIf you cannot access a content or a service, contact %(name)s to be directed to an "
          "accessible alternative or to obtain the content in another form.\n\nIf you reported an accessibility "
          "defect and did not get a satisfactory answer, you may refer the matter to the Défenseur des droits."),
    ),
    "privacy": (
        _("Personal data"),
        _("%(name)s is the controller of the personal data collected on this platform. It uses it only to run the "
          "participation processes you take part in, keeps it no longer than needed, and never sells it.\n\n"
          "You may access, correct, delete or take away your data at any time, and object to its use, by "
          "contacting %(name)s. You may also lodge a complaint with the CNIL."),
    ),
    "terms": (
        _("Terms of use"),
        _("This participation platform is published by %(name)s, which is the controller of the personal data "
          "collected on it.\n\nContributions must respect the law and other participants. The collectivity may "
          "moderate any contribution that does not.\n\nYour data is used only to run the participation processes "
          "you take part in. You can ask the collectivity to access, correct or delete it at any time."),
    ),
}
