"""HTTP input of the discussion. Rules (length, emptiness, sides) live in the services, whose messages are shown."""

from django import forms
from django.utils.translation import gettext_lazy as _

from tenant_apps.discussion.services import ARGUMENT_MAX_LENGTH, COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 5, "maxlength": COMMENT_MAX_LENGTH}))
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    is_official = forms.BooleanField(label=_("Post on behalf of the city"), required=False)


class CommentEditForm(forms.Form):
    body = forms.CharField(label=_("Your comment"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 8, "maxlength": COMMENT_MAX_LENGTH}))


class ArgumentForm(forms.Form):
    side = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
    body = forms.CharField(label=_("Your argument"), required=False, strip=False,
                           widget=forms.Textarea(attrs={"rows": 4, "maxlength": ARGUMENT_MAX_LENGTH}))
