"""The staff's paper-vote pages: polling places, marking who voted (émargement), typing in the sheets twice,
and resolving the sheets whose two entries differ.

Each view looks its object up first (404 in another collectivity), then checks the role; every action
redirects back with a message (post/redirect/get), or shows the form again with the reason.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from shared_apps.core.errors import ApplicationError
from tenant_apps.backoffice.access import is_city_admin, refusal
from tenant_apps.budgets import voting_selectors as selectors
from tenant_apps.budgets.ballots import ballot_projects, choices_summary
from tenant_apps.budgets.common import edition_ensure, edition_get_for_user
from tenant_apps.budgets.forms.voting import (
    MarkForm,
    PaperSheetForm,
    PollingPlaceForm,
    ResolveForm,
    ballot_rows,
    choices_from_post,
)
from tenant_apps.budgets.models import Budget, PaperEntry, PollingPlace
from tenant_apps.budgets.services import voting as services
from tenant_apps.identity.assurance import account_find_by_email


def _place(pk) -> PollingPlace:
    place = get_object_or_404(PollingPlace.objects.select_related("edition__process", "district"), pk=pk)
    edition_ensure(place.edition.process)
    return place


def polling_places(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    form = PollingPlaceForm(request.POST or None)
    status = 200
    if request.method == "POST":
        denied = refusal(request, "admin")
        if denied is not None:
            return denied
        if form.is_valid():
            try:
                place = services.polling_place_save(edition=edition, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The polling place “%(name)s” is saved.") % {"name": place.name})
                return redirect("budgets:polling_places", slug=slug)
        status = 400
    places = selectors.turnout(edition=edition)["places"]
    return render(request, "budgets/voting/places.html", {
        "edition": edition, "process": edition.process, "places": places, "form": form,
        "budgets": selectors.edition_budgets(edition), "may_edit": is_city_admin(request.user),
    }, status=status)


def polling_place_edit(request, pk):
    place = _place(pk)
    denied = refusal(request, "admin")
    if denied is not None:
        return denied
    edition = place.edition
    initial = {"name": place.name, "address": place.address, "opening_hours": place.opening_hours,
               "district": place.district}
    form = PollingPlaceForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.polling_place_save(edition=edition, actor=request.user, place=place, **form.cleaned_data)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("The polling place is saved."))
                return redirect("budgets:polling_places", slug=edition.process.slug)
        status = 400
    return render(request, "budgets/voting/place_edit.html", {
        "place": place, "edition": edition, "process": edition.process, "form": form}, status=status)


def marking(request, pk):
    """Émargement: an agent finds the person (account and/or papers) and marks them as having voted here."""
    place = _place(pk)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    edition = place.edition
    budgets = selectors.edition_budgets(edition)
    form = MarkForm(request.POST or None, budgets=budgets, initial={"budget": request.GET.get("budget")})
    refused, status = "", 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            budget = next(b for b in budgets if b.pk == data["budget"])
            account = account_find_by_email(data["email"]) if data["email"] else None
            if data["email"] and account is None:
                form.add_error("email", _("No account has this e-mail address: find the person by name and date "
                                          "of birth instead."))
            else:
                try:
                    services.voter_mark_paper(
                        budget=budget, polling_place=place, actor=request.user, account=account,
                        given_name=data["given_name"], family_name=data["family_name"],
                        birth_date=data["birth_date"].isoformat() if data["birth_date"] else "")
                except ApplicationError as error:
                    refused, status = error.message, error.status
                else:
                    messages.success(request, _("Marked as having voted in “%(budget)s”: give them the ballot.")
                                     % {"budget": budget.name})
                    return redirect(f"{request.path}?budget={budget.pk}")
    return render(request, "budgets/voting/marking.html", {
        "place": place, "edition": edition, "process": edition.process, "form": form, "refused": refused,
    }, status=status)


def paper_entry(request, pk, budget_pk):
    """Typing in paper sheets: the same choice fields as online, plus the sheet's number and "void"."""
    place = _place(pk)
    budget = get_object_or_404(Budget.objects.select_related("edition__process"), pk=budget_pk)
    if budget.edition_id != place.edition_id:
        raise Http404
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    edition = place.edition
    projects = ballot_projects(budget)
    form = PaperSheetForm(request.POST or None, initial={"sheet": request.GET.get("sheet")})
    problems, status, choices = [], 200, {}
    if request.method == "POST":
        status = 400
        choices, problems = choices_from_post(budget, projects, request.POST)
        if form.is_valid() and not problems:
            try:
                entry = services.paper_entry_record(budget=budget, polling_place=place, actor=request.user,
                                                    sheet=form.cleaned_data["sheet"], choices=choices,
                                                    void=form.cleaned_data["void"])
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _entry_message(entry))
                return redirect(request.path)
    awaiting = list(PaperEntry.objects.filter(budget=budget, polling_place=place,
                                              state=PaperEntry.State.AWAITING_SECOND)
                    .values_list("sheet", flat=True).order_by("sheet")[:200])
    sheet = form["sheet"].value()
    second = str(sheet).isdigit() and int(sheet) in awaiting
    return render(request, "budgets/voting/paper_entry.html", {
        "place": place, "budget": budget, "edition": edition, "process": edition.process, "form": form,
        "rows": ballot_rows(budget, projects, choices, request.POST if request.method == "POST" else None),
        "kind": budget.ballot_kind, "problems": problems, "awaiting": awaiting, "second": second,
    }, status=status)


def _entry_message(entry: PaperEntry) -> str:
    n = entry.sheet
    if entry.state == PaperEntry.State.AWAITING_SECOND:
        return _("First entry of ballot no. %(n)s recorded. Another agent must now type it in again.") % {"n": n}
    if entry.state == PaperEntry.State.CONFIRMED:
        return _("Second entry of ballot no. %(n)s matches the first: the ballot is counted.") % {"n": n}
    if entry.state == PaperEntry.State.VOID:
        return _("Second entry of ballot no. %(n)s matches the first: the ballot is void.") % {"n": n}
    return _("The two entries of ballot no. %(n)s differ: an administrator will check the paper ballot.") % {"n": n}


def mismatches(request, slug):
    edition = edition_get_for_user(slug=slug, user=request.user)
    denied = refusal(request, "staff")
    if denied is not None:
        return denied
    return render(request, "budgets/voting/mismatches.html", {
        "edition": edition, "process": edition.process, "entries": selectors.mismatches(edition=edition)})


def paper_resolve(request, pk):
    entry = get_object_or_404(PaperEntry.objects.select_related("budget__edition__process", "polling_place"), pk=pk)
    edition = edition_ensure(entry.budget.edition.process)
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    denied = refusal(request, "admin")
    if denied is not None:
        return denied
    form = ResolveForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                entry = services.paper_entry_resolve(entry=entry, version=form.cleaned_data["version"],
                                                     actor=request.user)
            except ApplicationError as error:
                form.add_error(None, error.message)
            else:
                if entry.state == PaperEntry.State.CONFIRMED:
                    messages.success(request, _("Ballot no. %(n)s is resolved: it is counted.") % {"n": entry.sheet})
                else:
                    messages.success(request, _("Ballot no. %(n)s is resolved: it is void.") % {"n": entry.sheet})
                return redirect("budgets:paper_mismatches", slug=edition.process.slug)
    budget = entry.budget
    versions = []
    for key, label, chosen in (("first", _("First entry"), entry.first_choices),
                               ("second", _("Second entry"), entry.second_choices or {})):
        problems = services.paper_entry_problems(budget, chosen)
        versions.append({"key": key, "label": label, "summary": choices_summary(budget, chosen),
                         "void": [p.message for p in problems]})
    return render(request, "budgets/voting/resolve.html", {
        "entry": entry, "budget": budget, "edition": edition, "process": edition.process, "form": form,
        "versions": versions}, status=status)
