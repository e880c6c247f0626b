"""What can be flagged: a kind key (used in URLs) mapped to its model and to the contribution it belongs to.

Models are resolved by label through the app registry, so moderation never imports the apps whose
content it moderates (discussion, ...). Visibility is always decided by the contribution a target
belongs to, through `participation.selectors.contribution_get_for_user`.
"""

from dataclasses import dataclass

from django.apps import apps
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from tenant_apps.participation.richtext import plain_text


@dataclass(frozen=True)
class FlagKind:
    key: str
    model_label: str  # "app_label.ModelName"
    label: str | Promise
    report_title: str | Promise  # the title of its report page (a separate sentence: grammatical gender)
    # The attribute holding the contribution the target belongs to; "" when the target is the contribution.
    contribution_attr: str = ""
    body_is_html: bool = False  # contributions keep sanitised HTML; comments and arguments plain text

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def contribution_id_of(self, target) -> int:
        if not self.contribution_attr:
            return target.pk
        return getattr(target, f"{self.contribution_attr}_id")

    def contribution_of(self, target):
        return target if not self.contribution_attr else getattr(target, self.contribution_attr)

    def text_of(self, target) -> str:
        """The target's text as plain text, for moderators to read."""
        return plain_text(target.body) if self.body_is_html else target.body


KINDS: dict[str, FlagKind] = {}


def kind_register(kind: FlagKind) -> None:
    KINDS.setdefault(kind.key, kind)


kind_register(FlagKind("contribution", "participation.Contribution", _("contribution"), _("Report a contribution"),
                       body_is_html=True))
kind_register(FlagKind("comment", "discussion.Comment", _("comment"), _("Report a comment"),
                       contribution_attr="contribution"))
kind_register(FlagKind("argument", "discussion.Argument", _("argument"), _("Report an argument"),
                       contribution_attr="contribution"))


def kind_get(key: str) -> FlagKind:
    """The kind registered under `key`, or 404 (an unknown kind is a wrong address, not an error)."""
    try:
        return KINDS[key]
    except KeyError:
        raise Http404 from None


def kind_for(target) -> FlagKind:
    """The kind of a model instance (ValueError if that model cannot be flagged)."""
    label = target._meta.label
    for kind in KINDS.values():
        if kind.model_label.lower() == label.lower():
            return kind
    raise ValueError(f"{label} cannot be flagged")
