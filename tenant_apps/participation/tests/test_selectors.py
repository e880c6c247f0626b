"""Reads: who sees which process and contribution; filters, French search and sorts of contribution lists."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404
from django_tenants.utils import schema_context

from billing.services import licence_set_enabled
from tenant_apps.participation.models import Contribution, Status
from tenant_apps.participation.selectors import (
    contribution_get_for_user,
    contribution_list,
    process_get_for_user,
    process_list,
    status_list,
)
from tenant_apps.participation.services import (
    contribution_status_change,
    district_create,
    process_archive,
    process_create,
    process_publish,
    theme_create,
)
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase


@pytest.fixture
def admin(in_a):
    return account("city_admin")


@pytest.fixture
def ideas(admin):
    return process_in_phase("ideas", "submission", actor=admin)


def _titles(qs):
    return {c.title for c in qs}


# --- Processes ---------------------------------------------------------------------------------------


def test_drafts_are_seen_by_staff_only(admin):
    draft = process_create(kind="ideas", title="Brouillon", actor=admin)
    published = process_create(kind="ideas", title="Publié", actor=admin, publish=True)
    archived = process_create(kind="ideas", title="Archivé", actor=admin, publish=True)
    process_archive(process=archived, actor=admin)

    for user in (None, AnonymousUser(), account(), account("moderator")):
        assert set(process_list(user=user, include_drafts=True)) == {published, archived}
        with pytest.raises(Http404):
            process_get_for_user(slug=draft.slug, user=user)
        assert process_get_for_user(slug=archived.slug, user=user) == archived
    agent = account("agent")
    assert set(process_list(user=agent, include_drafts=True)) == {draft, published, archived}
    assert set(process_list(user=agent)) == {published, archived}  # public lists never show drafts
    assert process_get_for_user(slug=draft.slug, user=agent) == draft
    with pytest.raises(Http404):
        process_get_for_user(slug="n-existe-pas", user=agent)


def test_a_draft_process_hides_its_contributions_from_citizens(ideas, admin):
    author = account()
    idea = contribution(ideas, author=author)
    # The city takes the process back to draft (e.g. published by mistake).
    ideas.visibility = "draft"
    ideas.save(update_fields=["visibility"])

    for user in (None, account(), author):
        with pytest.raises(Http404):
            contribution_get_for_user(pk=idea.pk, user=user)
    assert contribution_get_for_user(pk=idea.pk, user=admin) == idea


def test_an_unlicensed_module_hides_its_contributions(ideas, admin, in_a):
    idea = contribution(ideas)
    with schema_context("public"):
        licence_set_enabled(collectivity=in_a, module="ideas", enabled=False)
    try:
        for user in (None, admin):
            with pytest.raises(Http404):
                contribution_get_for_user(pk=idea.pk, user=user)
    finally:
        with schema_context("public"):
            licence_set_enabled(collectivity=in_a, module="ideas", enabled=True)


def test_status_list_hides_internal_statuses_from_the_public(admin):
    public_keys = [s.key for s in status_list(process_kind="call_for_projects", user=account())]
    staff_keys = [s.key for s in status_list(process_kind="call_for_projects", user=admin)]
    assert public_keys == ["granted"]
    assert staff_keys == list(Status.objects.filter(process_kind="call_for_projects").values_list("key", flat=True))
    assert len(staff_keys) == 6


# --- Visibility of contributions ----------------------------------------------------------------------


def test_a_contribution_in_an_internal_status_is_seen_by_its_author_and_staff_only(admin):
    calls = process_in_phase("call_for_projects", "submission", actor=admin)
    author = account()
    application = contribution(calls, author=author, title="Jardin partagé")
    assert application.status.key == "draft" and not application.status.is_public
    granted = contribution(calls, title="Fête de quartier")
    contribution_status_change(contribution=granted, actor=admin,
                               status=Status.objects.get(process_kind="call_for_projects", key="granted"))

    for user in (None, AnonymousUser(), account()):
        assert _titles(contribution_list(process=calls, user=user)) == {"Fête de quartier"}
        with pytest.raises(Http404):
            contribution_get_for_user(pk=application.pk, user=user)
    for user in (author, admin, account("agent"), account("moderator")):
        assert "Jardin partagé" in _titles(contribution_list(process=calls, user=user))
        assert contribution_get_for_user(pk=application.pk, user=user) == application


def test_a_contribution_of_another_process_kind_status_never_leaks_through_the_status_filter(ideas, admin):
    contribution(ideas, title="Idée")
    assert _titles(contribution_list(process=ideas, status="draft", user=admin)) == set()


# --- Filters, search and sorts ------------------------------------------------------------------------


def test_filters_by_status_district_and_theme(ideas, admin):
    north, south = district_create(name="Nord"), district_create(name="Sud")
    trees, mobility = theme_create(label_fr="Arbres"), theme_create(label_fr="Mobilité")
    a = contribution(ideas, title="A", district=north, themes=[trees])
    contribution(ideas, title="B", district=south, themes=[trees, mobility])
    contribution(ideas, title="C")
    contribution_status_change(contribution=a, actor=admin,
                               status=Status.objects.get(process_kind="ideas", key="accepted"))
    other_process = process_in_phase("ideas", "submission", actor=admin)
    contribution(other_process, title="Ailleurs", district=north, themes=[trees])

    assert _titles(contribution_list(process=ideas)) == {"A", "B", "C"}
    assert _titles(contribution_list(process=ideas, status="accepted")) == {"A"}
    assert _titles(contribution_list(process=ideas, status="submitted")) == {"B", "C"}
    assert _titles(contribution_list(process=ideas, district="nord")) == {"A"}
    assert _titles(contribution_list(process=ideas, theme="arbres")) == {"A", "B"}
    assert _titles(contribution_list(process=ideas, theme="mobilite")) == {"B"}
    assert _titles(contribution_list(process=ideas, theme="arbres", district="sud")) == {"B"}
    assert _titles(contribution_list(process=ideas, district="inconnu")) == set()


@pytest.fixture
def searchable(ideas):
    contribution(ideas, title="Éclairage public rue Pasteur", body="Les lampadaires sont éteints le soir.")
    contribution(ideas, title="Des vélos en libre-service", body="Des stations près de la gare.")
    contribution(ideas, title="Plus d'arbres", body="Planter des chênes et une\npiste cyclable.",
                 address="Avenue Jean Jaurès")
    contribution(ideas, title="Bancs", body="<p>Des bancs</p><p>ombragés</p>")
    return ideas


@pytest.mark.parametrize(("q", "found"), [
    ("eclairage", {"Éclairage public rue Pasteur"}),  # accents ignored in the query...
    ("ÉCLAIRAGE", {"Éclairage public rue Pasteur"}),  # ...and case too
    ("éclairages", {"Éclairage public rue Pasteur"}),  # plural through the French stemmer
    ("lampadaire", {"Éclairage public rue Pasteur"}),  # words of the description count
    ("vélos", {"Des vélos en libre-service"}),
    ("velos", {"Des vélos en libre-service"}),
    ("arbre", {"Plus d'arbres"}),  # singular finds plural
    ("pistes cyclables", {"Plus d'arbres"}),  # words on separate lines of the text are separate words
    ("jaures", {"Plus d'arbres"}),  # the address
    ("ombrages", {"Bancs"}),
    ("gare -velos", set()),  # web search syntax: exclusion
    ("piscine", set()),
])
def test_french_full_text_search(searchable, q, found):
    assert _titles(contribution_list(process=searchable, q=q)) == found


def test_search_by_relevance_puts_title_matches_first(ideas):
    contribution(ideas, title="Un potager", body="Près de l'école.")
    contribution(ideas, title="Une école plus verte", body="Des arbres.")
    results = list(contribution_list(process=ideas, q="ecole", sort="relevance"))
    assert [c.title for c in results] == ["Une école plus verte", "Un potager"]


def test_sort_by_support_then_recency(ideas):
    made = {title: contribution(ideas, title=title) for title in ("Ancienne", "Soutenue", "Contestée", "Récente")}
    # Counters are kept by the vote apps; here they are set directly.
    Contribution.objects.filter(pk=made["Soutenue"].pk).update(support_count=3, for_count=2)
    Contribution.objects.filter(pk=made["Contestée"].pk).update(for_count=4, against_count=6)

    assert [c.title for c in contribution_list(process=ideas, sort="supported")] == [
        "Soutenue", "Récente", "Ancienne", "Contestée"]
    assert [c.title for c in contribution_list(process=ideas, sort="recent")] == [
        "Récente", "Contestée", "Soutenue", "Ancienne"]
    assert [c.title for c in contribution_list(process=ideas, sort="unknown")] == [
        "Récente", "Contestée", "Soutenue", "Ancienne"]


def test_random_order_is_stable_for_a_seed_and_differs_between_seeds(ideas):
    for n in range(10):
        contribution(ideas, title=f"Idée {n}")

    def order(seed):
        return [c.pk for c in contribution_list(process=ideas, sort="random", seed=seed)]

    first = order("visiteur-1")
    assert len(first) == 10 and len(set(first)) == 10
    assert order("visiteur-1") == first
    # 10! orders: two seeds giving the same one is a one-in-3.6-million chance.
    assert order("visiteur-2") != first
    assert sorted(order("visiteur-2")) == sorted(first)


def test_a_list_page_reads_contributions_in_one_query(ideas, admin, django_assert_num_queries):
    district = district_create(name="Nord")
    for n in range(5):
        contribution(ideas, title=f"Idée {n}", district=district)
    reader = account()

    with django_assert_num_queries(1):
        rows = [(c.title, c.status.label, c.district.name, c.author.full_name)
                for c in contribution_list(process=ideas, user=reader, sort="supported")]
    assert len(rows) == 5


def test_publishing_again_keeps_the_first_publication_date(admin):
    process = process_create(kind="ideas", title="Deux fois", actor=admin, publish=True)
    first = process.published_at
    process_archive(process=process, actor=admin)
    process_publish(process=process, actor=admin)
    process.refresh_from_db()
    assert process.published_at == first
