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
    # Only collectivities created after this text changed get it: existing ones keep the page they have (and may
    # have edited); `pages_seed_defaults` never overwrites a page.
    "privacy": (
        _("Personal data"),
        _("%(name)s is the controller of the personal data collected on this platform. Parvis provides and hosts "
          "the platform on servers located in France: it processes the data on behalf of %(name)s (processor), "
          "only on its instructions. Your data is never sold.\n\n"
          "What is collected and why:\n"
          "- your account (e-mail address, name, password stored only as a hash, acceptance of the terms of use): "
          "to let you take part and to tell you about what you follow;\n"
          "- your contributions, votes, comments and arguments: to run the participation processes and count their "
          "results, one voice per person;\n"
          "- your identity and residence, only when a process requires them (given by FranceConnect, or checked at "
          "a desk by the collectivity's staff): to check that you may take part. These details are encrypted;\n"
          "- an optional profile (age range, gender, district), only if you agree: used only for anonymous "
          "statistics. You may withdraw your agreement at any time from your account, which deletes it;\n"
          "- visits: counted without cookies and without keeping any identifier, to know how many people visit "
          "the platform.\n\n"
          "How long it is kept: your account until you delete it. Once a process is over, its contributions, "
          "votes, comments and arguments are unlinked from the accounts after the period set by %(name)s: they "
          "stay on the site, anonymous.\n\n"
          "Your rights: you may access your data and take it with you (download it from your account), correct "
          "it, delete your account (your contributions stay without your name and your votes stay counted without "
          "being linked to you), object to a use of your data and withdraw your agreement. For any request, "
          "contact %(name)s. If you think your rights are not respected, you may lodge a complaint with the CNIL "
          "(www.cnil.fr)."),
    ),
    "terms": (
        _("Terms of use"),
        _("This participation platform is published by %(name)s, which is the controller of the personal data "
          "collected on it.\n\nContributions must respect the law and other participants. The collectivity may "
          "moderate any contribution that does not.\n\nYour data is used only to run the participation processes "
          "you take part in. You can ask the collectivity to access, correct or delete it at any time."),
    ),
}
