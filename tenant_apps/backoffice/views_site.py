"""Site configuration pages of the back-office (city administrators only).

Views acting on one object look it up first (404 on another collectivity's host), then check the role.
"""

import json

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shared_apps.accounts.models import Invitation, User
from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice import access, services_site
from tenant_apps.backoffice.access import admin_required
from tenant_apps.backoffice.forms_site import (
    DepartmentForm,
    DistrictForm,
    DistrictImportForm,
    HomeForm,
    IdentityForm,
    InviteForm,
    MenuFormSet,
    PageForm,
    StaffRoleForm,
    ThemeForm,
    menu_from_formset,
)
from tenant_apps.organisation.models import Department
from tenant_apps.organisation.services import department_save
from tenant_apps.pages.models import Page
from tenant_apps.pages.services import page_update
from tenant_apps.participation.models import District, Theme
from tenant_apps.participation.services import district_create, districts_import_geojson, theme_create
from tenant_apps.portal.selectors import home_blocks_ordered
from tenant_apps.portal.services import site_settings_get, site_settings_update


def _render(request, template, context, *, invalid=False):
    return render(request, f"backoffice/site/{template}", context, status=400 if invalid else 200)


def _error(form, error: ApplicationError, field: str | None = None) -> None:
    form.add_error(field if field in form.fields else None, error.message)


# --- Site: identity (public schema) and home page (city schema) --------------------------------------


def _identity_initial(collectivity) -> dict:
    return {"name": collectivity.name, "primary_colour": collectivity.primary_colour,
            "contact_email": collectivity.contact_email, "locale": collectivity.locale}


def _home_forms(settings, data=None):
    home_form = HomeForm(data, blocks=home_blocks_ordered(settings), prefix="home", initial={
        "home_intro_fr": settings.home_intro_fr, "home_intro_en": settings.home_intro_en,
        "home_custom_text_fr": settings.home_custom_text_fr, "home_custom_text_en": settings.home_custom_text_en,
    })
    menu_formset = MenuFormSet(data, prefix="menu", initial=[
        {"label_fr": link.get("label_fr", ""), "label_en": link.get("label_en", ""), "url": link.get("url", "")}
        for link in settings.menu or []])
    return home_form, menu_formset


@admin_required
def site(request):
    collectivity = request.tenant
    settings = site_settings_get()
    section = request.POST.get("section") if request.method == "POST" else None
    identity_form = IdentityForm(request.POST if section == "identity" else None,
                                 request.FILES if section == "identity" else None,
                                 initial=_identity_initial(collectivity))
    home_form, menu_formset = _home_forms(settings, request.POST if section == "home" else None)
    invalid = False
    if section == "identity":
        if identity_form.is_valid():
            data = identity_form.cleaned_data
            try:
                services_site.site_identity_update(
                    actor=request.user, logo=data["logo"], logo_remove=data["logo_remove"],
                    **{field: data[field] for field in services_site.IDENTITY_FIELDS})
            except ApplicationError as error:
                _error(identity_form, error, "logo" if error.code.startswith("logo") else error.code)
            else:
                messages.success(request, _("The collectivity's identity is saved."))
                return redirect("backoffice:site")
        invalid = True
    elif section == "home":
        valid = [home_form.is_valid(), menu_formset.is_valid()]  # both, so that every error shows
        if all(valid):
            data = home_form.cleaned_data
            try:
                site_settings_update(actor=request.user, menu=menu_from_formset(menu_formset),
                                     home_blocks=data["home_blocks"],
                                     **{name: data[name] for name in ("home_intro_fr", "home_intro_en",
                                                                      "home_custom_text_fr", "home_custom_text_en")})
            except ApplicationError as error:
                _error(home_form, error)
            else:
                messages.success(request, _("The home page and the menu are saved."))
                return redirect("backoffice:site")
        invalid = True
    elif request.method == "POST":
        invalid = True
        messages.error(request, _("Nothing was saved: use one of the forms of this page."))
    return _render(request, "site.html", {"collectivity": collectivity, "identity_form": identity_form,
                                          "home_form": home_form, "menu_formset": menu_formset}, invalid=invalid)


# --- Pages ----------------------------------------------------------------------------------------


@admin_required
def pages(request):
    return _render(request, "pages.html", {"pages": Page.objects.order_by("key")})


def page_edit(request, key):
    if key not in Page.Key.values:
        raise Http404
    page = get_object_or_404(Page, key=key)
    if denied := access.refusal(request, "admin"):
        return denied
    form = PageForm(request.POST or None, initial={"title_fr": page.title_fr, "title_en": page.title_en,
                                                   "body_fr": page.body_fr, "body_en": page.body_en,
                                                   "conformance": page.conformance},
                    with_conformance=page.key == Page.Key.ACCESSIBILITY)
    if request.method == "POST":
        if form.is_valid():
            try:
                page_update(page=page, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                _error(form, error)
            else:
                messages.success(request, _("The page is saved."))
                return redirect("backoffice:pages")
        return _render(request, "page_edit.html", {"page": page, "form": form}, invalid=True)
    return _render(request, "page_edit.html", {"page": page, "form": form})


# --- Districts --------------------------------------------------------------------------------------


@admin_required
def districts(request):
    return _render(request, "districts.html", {"districts": District.objects.order_by("position", "name"),
                                               "import_form": DistrictImportForm()})


@admin_required
def district_create_view(request):
    form = DistrictForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                district_create(name=data["name"].strip(), outline=data["outline"], position=data["position"],
                                actor=request.user)
            except ApplicationError as error:
                _error(form, error, "outline")
            else:
                messages.success(request, _("The district is created."))
                return redirect("backoffice:districts")
        return _render(request, "district_form.html", {"form": form}, invalid=True)
    return _render(request, "district_form.html", {"form": form})


def _outline_text(outline) -> str:
    return json.dumps(outline, ensure_ascii=False) if outline else ""


def district_edit(request, pk):
    district = get_object_or_404(District, pk=pk)
    if denied := access.refusal(request, "admin"):
        return denied
    form = DistrictForm(request.POST or None, initial={"name": district.name, "position": district.position,
                                                       "outline": _outline_text(district.outline)})
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_site.district_update(district=district, actor=request.user, name=data["name"],
                                              outline=data["outline"], position=data["position"])
            except ApplicationError as error:
                _error(form, error, "outline")
            else:
                messages.success(request, _("The district is saved."))
                return redirect("backoffice:districts")
        return _render(request, "district_form.html", {"form": form, "district": district}, invalid=True)
    return _render(request, "district_form.html", {"form": form, "district": district})


def district_delete(request, pk):
    district = get_object_or_404(District, pk=pk)
    if denied := access.refusal(request, "admin"):
        return denied
    return _confirm_delete(
        request, label=district.name, list_url="backoffice:districts",
        delete=lambda: services_site.district_delete(district=district, actor=request.user),
        done=_("The district “%(name)s” is deleted.") % {"name": district.name},
        title=_("Delete the district “%(name)s”?") % {"name": district.name},
        consequence=_("Contributions placed in this district keep their location but no longer have a "
                      "district; processes no longer list it."))


@admin_required
def district_import(request):
    form = DistrictImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                imported = districts_import_geojson(raw=upload.read(), actor=request.user,
                                                    name_property=form.cleaned_data["name_property"].strip())
            except ApplicationError as error:
                _error(form, error, "file")
            else:
                messages.success(request, ngettext("%(n)s district imported.", "%(n)s districts imported.",
                                                    len(imported)) % {"n": len(imported)})
                return redirect("backoffice:districts")
        return _render(request, "district_import.html", {"form": form}, invalid=True)
    return _render(request, "district_import.html", {"form": form})


# --- Themes -------------------------------------------------------------------------------------------


@admin_required
def themes(request):
    return _render(request, "themes.html", {"themes": Theme.objects.order_by("position", "label_fr")})


@admin_required
def theme_create_view(request):
    form = ThemeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            theme_create(label_fr=data["label_fr"].strip(), label_en=data["label_en"].strip(),
                         position=data["position"], actor=request.user)
            messages.success(request, _("The theme is created."))
            return redirect("backoffice:themes")
        return _render(request, "theme_form.html", {"form": form}, invalid=True)
    return _render(request, "theme_form.html", {"form": form})


def theme_edit(request, pk):
    theme = get_object_or_404(Theme, pk=pk)
    if denied := access.refusal(request, "admin"):
        return denied
    form = ThemeForm(request.POST or None, initial={"label_fr": theme.label_fr, "label_en": theme.label_en,
                                                    "position": theme.position})
    if request.method == "POST":
        if form.is_valid():
            try:
                services_site.theme_update(theme=theme, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                _error(form, error)
            else:
                messages.success(request, _("The theme is saved."))
                return redirect("backoffice:themes")
        return _render(request, "theme_form.html", {"form": form, "theme": theme}, invalid=True)
    return _render(request, "theme_form.html", {"form": form, "theme": theme})


def theme_delete(request, pk):
    theme = get_object_or_404(Theme, pk=pk)
    if denied := access.refusal(request, "admin"):
        return denied
    return _confirm_delete(
        request, label=theme.label_fr, list_url="backoffice:themes",
        delete=lambda: services_site.theme_delete(theme=theme, actor=request.user),
        done=_("The theme “%(name)s” is deleted.") % {"name": theme.label_fr},
        title=_("Delete the theme “%(name)s”?") % {"name": theme.label_fr},
        consequence=_("Processes and contributions that have this theme lose it."))


def _confirm_delete(request, *, label, list_url, delete, done, title, consequence):
    """GET: a confirmation page saying what deleting changes; POST: delete, then back to the list."""
    if request.method == "POST":
        delete()
        messages.success(request, done)
        return redirect(list_url)
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return _render(request, "confirm_delete.html", {"object_label": label, "cancel_url": list_url, "title": title,
                                                     "consequence": consequence})


# --- Departments -------------------------------------------------------------------------------------


@admin_required
def departments(request):
    rows = Department.objects.prefetch_related("members").order_by("name")
    return _render(request, "departments.html", {"departments": rows})


def _department_form_submit(request, form, department=None):
    """Save the department; the response to return, or None when the form is to be shown again."""
    if not form.is_valid():
        return None
    data = form.cleaned_data
    try:
        department_save(actor=request.user, department=department, name=data["name"], email=data["email"],
                        agents=data["agents"])
    except ApplicationError as error:
        _error(form, error, "agents" if error.code == "department_agents" else "name")
        return None
    messages.success(request, _("The department is saved."))
    return redirect("backoffice:departments")


@admin_required
def department_create_view(request):
    form = DepartmentForm(request.POST or None)
    if request.method == "POST":
        return _department_form_submit(request, form) or _render(request, "department_form.html",
                                                                 {"form": form}, invalid=True)
    return _render(request, "department_form.html", {"form": form})


def department_edit(request, pk):
    department = get_object_or_404(Department, pk=pk)
    if denied := access.refusal(request, "admin"):
        return denied
    form = DepartmentForm(request.POST or None, initial={
        "name": department.name, "email": department.email, "agents": list(department.members.all())})
    context = {"form": form, "department": department}
    if request.method == "POST":
        return _department_form_submit(request, form, department) or _render(
            request, "department_form.html", context, invalid=True)
    return _render(request, "department_form.html", context)


# --- Staff accounts and invitations ----------------------------------------------------------------


@admin_required
def staff(request):
    accounts = User.objects.exclude(role=User.Role.CITIZEN).order_by("role", "full_name", "email")
    invitations = Invitation.objects.filter(accepted_at__isnull=True, expires_at__gt=timezone.now()).order_by(
        "-created_at")
    return _render(request, "staff.html", {"accounts": accounts, "invitations": invitations})


def staff_edit(request, pk):
    account = get_object_or_404(User, pk=pk)
    if denied := access.refusal(request, "admin"):
        return denied
    action = request.POST.get("action") if request.method == "POST" else None
    form = StaffRoleForm(request.POST if action == "role" else None, initial={"role": account.role})
    if request.method != "POST":
        return _render(request, "staff_edit.html", {"account": account, "form": form})
    refusal = ""
    try:
        if action == "role":
            if form.is_valid():
                services_site.staff_role_change(account=account, role=form.cleaned_data["role"], actor=request.user)
                messages.success(request, _("The role of %(name)s is changed.") % {"name": account})
                return redirect("backoffice:staff")
        elif action in ("deactivate", "reactivate"):
            services_site.staff_active_set(account=account, is_active=action == "reactivate", actor=request.user)
            messages.success(request, _("The account of %(name)s is deactivated.") % {"name": account}
                             if action == "deactivate" else
                             _("The account of %(name)s is reactivated.") % {"name": account})
            return redirect("backoffice:staff")
        else:
            refusal = _("Nothing was saved: use one of the buttons of this page.")
    except ApplicationError as error:
        refusal = error.message
    account.refresh_from_db()
    return _render(request, "staff_edit.html", {"account": account, "form": form, "refusal": refusal},
                   invalid=True)


@admin_required
def staff_invite(request):
    form = InviteForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services_site.staff_invite(email=data["email"], role=data["role"], full_name=data["full_name"],
                                           actor=request.user)
            except ApplicationError as error:
                _error(form, error, "email" if error.code in ("email", "already_staff", "already_invited") else None)
            else:
                messages.success(request, _("The invitation is sent to %(email)s.") % {"email": data["email"]})
                return redirect("backoffice:staff")
        return _render(request, "staff_invite.html", {"form": form}, invalid=True)
    return _render(request, "staff_invite.html", {"form": form})
