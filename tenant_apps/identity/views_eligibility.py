"""Pages of eligibility: the rule of a process (back-office), desk verification (staff), where I live (citizen).

Back-office views with an id look their object up first (404 on another collectivity's host), then
check the role (`access.refusal`), then the method.
"""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import refusal, staff_required
from tenant_apps.identity.assurance import (
    account_find_by_email,
    assurance_summary,
    desk_verify,
    residence_declare,
)
from tenant_apps.identity.eligibility import RESTRICTED_CAPABILITIES, eligibility_rules_of, eligibility_rules_set
from tenant_apps.identity.forms_eligibility import (
    DeskSearchForm,
    DeskVerifyForm,
    PhaseRuleForm,
    ResidenceForm,
    RuleForm,
)
from tenant_apps.participation.blueprints import BLUEPRINTS
from tenant_apps.participation.models import Process


def _kind_label(kind: str) -> str:
    blueprint = BLUEPRINTS.get(kind)
    return str(blueprint.label) if blueprint else kind


def _place(request) -> str:
    return getattr(getattr(request, "tenant", None) or getattr(connection, "tenant", None), "name", "")


# --- Back-office: the rule of a process -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def eligibility_edit(request, pk):
    process = get_object_or_404(Process, pk=pk)
    denied = refusal(request, "admin")
    if denied:
        return denied
    rules = eligibility_rules_of(process)
    phases = [p for p in sorted(process.phases.all(), key=lambda p: (p.starts_at, p.position))
              if set(p.capabilities) & RESTRICTED_CAPABILITIES]
    data = request.POST if request.method == "POST" else None
    process_form = RuleForm(data, rule=rules.get(None), prefix="process")
    phase_forms = [(phase, PhaseRuleForm(data, rule=rules.get(phase.pk), prefix=f"phase-{phase.pk}"))
                   for phase in phases]
    status = 200
    if request.method == "POST":
        if process_form.is_valid() and all(form.is_valid() for _phase, form in phase_forms):
            specs = {None: process_form.spec(), **{phase: form.spec() for phase, form in phase_forms}}
            try:
                eligibility_rules_set(process=process, actor=request.user, rules=specs)
            except ApplicationError as error:
                process_form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Who may take part is saved."))
                return redirect("identity:eligibility_edit", pk=process.pk)
        else:
            status = 400
    return render(request, "identity/eligibility/edit.html", {
        "process": process, "process_form": process_form, "phase_forms": phase_forms,
        "kind": _kind_label(process.kind),
    }, status=status)


# --- Back-office: desk verification -----------------------------------------------------------------------


@staff_required
def desk(request):
    form = DeskSearchForm(request.GET or None)
    person = None
    searched = False
    status = 200
    if form.is_bound:
        if form.is_valid():
            searched = True
            person = account_find_by_email(form.cleaned_data["email"])
        else:
            status = 400
    return render(request, "identity/desk/search.html", {"form": form, "person": person, "searched": searched},
                  status=status)


@require_http_methods(["GET", "POST"])
def desk_person(request, pk):
    person = get_object_or_404(get_user_model(), pk=pk)
    denied = refusal(request, "staff")
    if denied:
        return denied
    form = DeskVerifyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                desk_verify(person=person, agent=request.user, identity=data["identity"],
                            residence=data["residence"], district=data.get("district"),
                            birth_date=data.get("birth_date"))
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("The verification is recorded."))
                return redirect("identity:desk_person", pk=person.pk)
        else:
            status = 400
    return render(request, "identity/desk/person.html", {
        "person": person, "levels": assurance_summary(person), "form": form,
        "is_self": person.pk == request.user.pk, "place": _place(request),
    }, status=status)


# --- Citizen: where I live --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def residence(request):
    levels = assurance_summary(request.user)
    initial = {}
    if levels["residence"]:
        initial = {"in_collectivity": "yes", "district": levels["residence_district"]}
    elif levels["assurance"] is not None and levels["assurance"].residence_updated_at:
        initial = {"in_collectivity": "no"}
    place = _place(request)
    form = ResidenceForm(request.POST or None, initial=initial, place=place)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                residence_declare(user=request.user, in_collectivity=data["in_collectivity"],
                                  district=data.get("district"))
            except ApplicationError as error:
                form.add_error(None, error.message)
                status = error.status
            else:
                messages.success(request, _("Where you live is saved."))
                return redirect("identity:residence")
        else:
            status = 400
    return render(request, "identity/account/residence.html", {
        "levels": levels, "form": form, "place": place,
        "franceconnect_url": _franceconnect_connect_url() if not levels["identity_verified"] else None,
    }, status=status)


def _franceconnect_connect_url() -> str | None:
    """Where a signed-in person links FranceConnect to their account, when the city offers it."""
    from tenant_apps.identity.franceconnect import franceconnect_offered

    if franceconnect_offered() is None:
        return None
    return reverse("identity:franceconnect_login") + "?process=connect"
