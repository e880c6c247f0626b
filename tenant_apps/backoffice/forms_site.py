"""Forms of the site configuration. They check the shape of the input; the services hold the rules."""

import json

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shared_apps.accounts.models import User
from shared_apps.core.errors import Invalid
from tenant_apps.backoffice.services_site import INVITABLE_ROLES
from tenant_apps.pages.models import Page
from tenant_apps.participation import geo
from tenant_apps.participation.permissions import STAFF_ROLES
from tenant_apps.portal.models import HOME_BLOCKS
from tenant_apps.portal.services import MAX_LABEL_LENGTH, MAX_MENU_LINKS, menu_url_clean
from tenants.validators import validate_brand_colour


class IdentityForm(forms.Form):
    name = forms.CharField(label=_("Name of the collectivity"), max_length=200)
    logo = forms.FileField(
        label=_("New logo"), required=False,
        help_text=_("PNG, JPEG or WebP image, 2 MB at most. Leave empty to keep the current logo."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    logo_remove = forms.BooleanField(label=_("Remove the current logo"), required=False)
    primary_colour = forms.CharField(
        label=_("Primary colour"), max_length=7, validators=[validate_brand_colour],
        help_text=_("As #RRGGBB, for example #000091. White text must stay readable on it (contrast of 4.5:1 "
                    "at least)."),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    locale = forms.ChoiceField(label=_("Default language of the site"), choices=settings.LANGUAGES)


class HomeForm(forms.Form):
    """Texts of the home page and its blocks: a checkbox and an order number for each block."""

    home_intro_fr = forms.CharField(label=_("Introduction (French)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 4}))
    home_intro_en = forms.CharField(label=_("Introduction (English)"), required=False,
                                    widget=forms.Textarea(attrs={"rows": 4}))
    home_custom_text_fr = forms.CharField(label=_("Free text (French)"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 4}))
    home_custom_text_en = forms.CharField(label=_("Free text (English)"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, blocks: list[str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        blocks = blocks or []
        self.block_rows = []
        for index, (key, label) in enumerate(HOME_BLOCKS.items()):
            position = blocks.index(key) + 1 if key in blocks else len(blocks) + index + 1
            self.fields[f"block_{key}"] = forms.BooleanField(label=label, required=False, initial=key in blocks)
            self.fields[f"order_{key}"] = forms.IntegerField(
                label=_("Order of “%(block)s”") % {"block": label}, min_value=1, max_value=99, initial=position,
                widget=forms.NumberInput(attrs={"class": "narrow"}),
            )
            self.block_rows.append((key, f"block_{key}", f"order_{key}"))

    def visible_text_fields(self):
        return [self[name] for name in ("home_intro_fr", "home_intro_en", "home_custom_text_fr",
                                        "home_custom_text_en")]

    def block_fields(self):
        return [(key, self[checkbox], self[order]) for key, checkbox, order in self.block_rows]

    def clean(self):
        data = super().clean()
        chosen = [key for key, checkbox, _order in self.block_rows if data.get(checkbox)]
        if not chosen:
            raise ValidationError(_("Choose at least one block for the home page."))
        # Stable: equal numbers keep the blocks' usual order.
        data["home_blocks"] = sorted(chosen, key=lambda key: data.get(f"order_{key}") or 99)
        return data


class MenuLinkForm(forms.Form):
    label_fr = forms.CharField(label=_("Label (French)"), max_length=MAX_LABEL_LENGTH, required=False)
    label_en = forms.CharField(label=_("Label (English)"), max_length=MAX_LABEL_LENGTH, required=False)
    # Its help is the fieldset's, above the rows.
    url = forms.CharField(label=_("Address"), max_length=500, required=False)

    def clean_url(self):
        url = self.cleaned_data.get("url", "").strip()
        if not url:
            return ""
        try:
            return menu_url_clean(url)
        except Invalid as error:
            raise ValidationError(error.message) from None

    def clean(self):
        data = super().clean()
        if data.get("url") and not data.get("label_fr"):
            self.add_error("label_fr", _("Each menu link needs a French label."))
        if (data.get("label_fr") or data.get("label_en")) and not data.get("url") and "url" not in self.errors:
            self.add_error("url", _("Give the address of the link."))
        return data


MenuFormSet = forms.formset_factory(MenuLinkForm, extra=2, max_num=MAX_MENU_LINKS, validate_max=True)


def menu_from_formset(formset) -> list[dict]:
    """The links of a valid formset, in row order; empty rows are dropped."""
    return [{"label_fr": form.cleaned_data["label_fr"], "label_en": form.cleaned_data.get("label_en", ""),
             "url": form.cleaned_data["url"]}
            for form in formset.forms if form.cleaned_data.get("url")]


class PageForm(forms.Form):
    title_fr = forms.CharField(label=_("Title (French)"), max_length=200)
    body_fr = forms.CharField(label=_("Text (French)"), widget=forms.Textarea(attrs={"rows": 14}))
    title_en = forms.CharField(label=_("Title (English)"), max_length=200)
    body_en = forms.CharField(label=_("Text (English)"), widget=forms.Textarea(attrs={"rows": 14}))
    conformance = forms.ChoiceField(
        label=_("Conformance level declared (RGAA 4.1)"), choices=Page.Conformance.choices, required=False,
        help_text=_("Shown in the footer of every page. Declare a level only after an audit."))

    def __init__(self, *args, with_conformance: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_conformance:
            del self.fields["conformance"]


class ThemeForm(forms.Form):
    label_fr = forms.CharField(label=_("Label (French)"), max_length=120)
    label_en = forms.CharField(label=_("Label (English)"), max_length=120, required=False)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0,
                                  help_text=_("Themes are listed from the smallest number to the largest."))


class DistrictForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767, initial=0,
                                  help_text=_("Districts are listed from the smallest number to the largest."))
    outline = forms.CharField(
        label=_("Outline (GeoJSON)"), required=False, widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text=_("A GeoJSON Polygon or MultiPolygon (or a Feature holding one), coordinates as longitude, "
                    "latitude. Leave empty for a district without an outline."),
    )

    def clean_outline(self):
        text = self.cleaned_data.get("outline", "").strip()
        if not text:
            return None
        if len(text) > geo.MAX_GEOJSON_BYTES:
            raise ValidationError(_("The outline is too large (5 MB at most)."))
        try:
            value = json.loads(text)
        except ValueError:
            raise ValidationError(_("The outline is not valid JSON.")) from None
        if isinstance(value, dict) and value.get("type") == "Feature":
            value = value.get("geometry")
        try:
            return geo.geometry_clean(value)
        except Invalid as error:
            raise ValidationError(error.message) from None


class DistrictImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON file"),
                           help_text=_("A FeatureCollection of Polygons or MultiPolygons, 5 MB at most. A district "
                                       "with the same name is updated; the others are created."),
                           widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}))
    name_property = forms.CharField(label=_("Property holding the district's name"), max_length=60, initial="nom",
                                    help_text=_("“name” is also read when this property is missing."))


class DepartmentForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    email = forms.EmailField(label=_("Shared e-mail"), required=False)
    agents = forms.ModelMultipleChoiceField(label=_("Agents of the department"), required=False,
                                            queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agents"].queryset = User.objects.filter(role__in=STAFF_ROLES, is_active=True).order_by(
            "full_name", "email")
        self.fields["agents"].label_from_instance = lambda user: f"{user.get_full_name()} ({user.email})"


class StaffRoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=User.Role.choices, widget=forms.RadioSelect)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    full_name = forms.CharField(label=_("Full name"), max_length=150, required=False)
    role = forms.ChoiceField(label=_("Role"), widget=forms.RadioSelect,
                             choices=[(role.value, role.label) for role in INVITABLE_ROLES])
