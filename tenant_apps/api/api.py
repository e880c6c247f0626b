"""The collectivity's REST API (v1): a thin HTTP layer over the participation selectors and services.

Reads are public (what the site shows an anonymous visitor, or the signed-in person). Writes need a
session (the site's sign-in, with its CSRF token) and go through the same services as the site, so
the same phases, roles and limits apply. Every object is looked up first through a selector: an id
of another collectivity is a 404 here, whatever the method.
"""

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema
from rest_framework import status as http_status
from rest_framework.authentication import SessionAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import JSONParser
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.api import selectors
from tenant_apps.api.exceptions import api_exception_handler
from tenant_apps.api.serializers import (
    CommentCreateInputSerializer,
    CommentOutputSerializer,
    ContributionCreateInputSerializer,
    ContributionDetailOutputSerializer,
    ContributionFilterSerializer,
    ContributionOutputSerializer,
    ErrorOutputSerializer,
    ProcessDetailOutputSerializer,
    ProcessFilterSerializer,
    ProcessOutputSerializer,
    StatusOutputSerializer,
    VoteInputSerializer,
)
from tenant_apps.discussion.selectors import comment_in_contribution
from tenant_apps.discussion.services import comment_post
from tenant_apps.participation.models import Contribution, Process
from tenant_apps.participation.permissions import capability_decision, is_moderator, is_staff
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.selectors import (
    contribution_get_for_user,
    contribution_list,
    process_get_for_user,
    process_list,
    status_list,
)
from tenant_apps.participation.services import contribution_create
from tenant_apps.participation.state import process_state
from tenant_apps.votes import selectors as vote_selectors
from tenant_apps.votes.services import vote_cast, vote_withdraw

ERRORS = {
    400: OpenApiResponse(ErrorOutputSerializer, description=_("The data sent is not valid (the reason is given).")),
    403: OpenApiResponse(ErrorOutputSerializer, description=_(
        "Not allowed now: not signed in, phase closed, limit reached, blocked account (the reason is given).")),
    404: OpenApiResponse(ErrorOutputSerializer, description=_("Not found on this platform, or not visible to you.")),
}


def _errors(*codes) -> dict:
    return {code: ERRORS[code] for code in codes}


class CityPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class CityApi(APIView):
    """The base of every endpoint: session authentication, JSON only, {"code", "detail"} errors."""

    authentication_classes = [SessionAuthentication]
    # Reads are public; writes check the sign-in themselves, after the object lookup (404 first).
    permission_classes = [AllowAny]
    parser_classes = [JSONParser]
    renderer_classes = [JSONRenderer]

    def get_exception_handler(self):
        return api_exception_handler

    def lookup(self, request, **kwargs):
        """The object the URL names, through a selector (404 when not visible on this host)."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        # Another collectivity's id is a 404 whatever the method: look it up before answering 405.
        self.lookup(request, **kwargs)
        return super().http_method_not_allowed(request, *args, **kwargs)

    def paginate(self, request, queryset) -> tuple[CityPagination, list]:
        paginator = CityPagination()
        return paginator, paginator.paginate_queryset(queryset, request, view=self)

    @staticmethod
    def signed_in_check(request) -> None:
        if not request.user.is_authenticated:
            raise NotAllowed("login_required", _("Sign in to take part."))

    @staticmethod
    def input_valid(serializer_class, data) -> dict:
        serializer = serializer_class(data=data)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data


def _can_see_hidden(user) -> bool:
    return is_staff(user) or is_moderator(user)


# --- Processes ----------------------------------------------------------------------------------

class ProcessListApi(CityApi):
    pagination_class = CityPagination

    @extend_schema(summary=_("List the processes"), parameters=[ProcessFilterSerializer],
                   description=_("Published and archived processes, newest first, with their phases and what is "
                                 "open now."),
                   responses={200: ProcessOutputSerializer(many=True), **_errors(400)})
    def get(self, request):
        filters = self.input_valid(ProcessFilterSerializer, request.query_params)
        processes = process_list(user=request.user).prefetch_related("themes", "districts")
        if filters.get("kind"):
            processes = processes.filter(kind=filters["kind"])
        if filters.get("visibility"):
            processes = processes.filter(visibility=filters["visibility"])
        paginator, page = self.paginate(request, processes)
        states = {p.pk: process_state(p, phases=p.phases.all()) for p in page}
        data = ProcessOutputSerializer(page, many=True, context={"request": request, "states": states}).data
        return paginator.get_paginated_response(data)


class ProcessApi(CityApi):
    def lookup(self, request, **kwargs) -> Process:
        return process_get_for_user(slug=kwargs["slug"], user=request.user)


class ProcessDetailApi(ProcessApi):
    @extend_schema(summary=_("Read a process"), responses={200: ProcessDetailOutputSerializer, **_errors(404)})
    def get(self, request, slug):
        process = self.lookup(request, slug=slug)
        states = {process.pk: process_state(process, phases=process.phases.all())}
        return Response(ProcessDetailOutputSerializer(process, context={"request": request, "states": states}).data)


class ProcessStatusListApi(ProcessApi):
    @extend_schema(summary=_("List the statuses a contribution of this process can have"),
                   responses={200: StatusOutputSerializer(many=True), **_errors(404)})
    def get(self, request, slug):
        process = self.lookup(request, slug=slug)
        statuses = status_list(process_kind=process.kind, user=request.user)
        return Response(StatusOutputSerializer(statuses, many=True).data)


def contribution_detail_response(request, contribution: Contribution, *, status: int = 200, headers=None):
    """The contribution as its page shows it to `request.user`: counts, status, answer, what they may do."""
    state = process_state(contribution.process)
    voting = vote_selectors.contribution_panel(contribution=contribution, user=request.user, state=state)
    comment_decision = capability_decision(user=request.user, process=contribution.process,
                                           capability=Capability.COMMENT, state=state, contribution=contribution)
    context = {
        "request": request, "can_see_hidden": _can_see_hidden(request.user), "results_visible": voting["show_counts"],
        "answer": selectors.official_answer_of(contribution=contribution),
        "status_changes": selectors.status_history(contribution=contribution),
        "voting": voting, "comment_decision": comment_decision,
    }
    return Response(ContributionDetailOutputSerializer(contribution, context=context).data, status=status,
                    headers=headers)


def _coordinate(value: float | None) -> Decimal | None:
    # The column keeps 6 decimals (about 10 cm): a GPS float with more is rounded, not refused.
    return None if value is None else Decimal(str(round(value, 6)))


CONTRIBUTION_EXAMPLE = OpenApiExample(
    "idea", request_only=True,
    value={"title": "Un abri à vélos devant la médiathèque", "body": "<p>Couvert et éclairé.</p>",
           "district": "centre", "themes": ["mobilite"]},
)


class ProcessContributionListApi(ProcessApi):
    pagination_class = CityPagination

    @extend_schema(summary=_("List the contributions of a process"), parameters=[ContributionFilterSerializer],
                   description=_("Contributions you may see, filtered and sorted. Contributions hidden by moderation "
                                 "stay in the list, with a notice in place of their title and no text."),
                   responses={200: ContributionOutputSerializer(many=True), **_errors(400, 404)})
    def get(self, request, slug):
        process = self.lookup(request, slug=slug)
        filters = self.input_valid(ContributionFilterSerializer, request.query_params)
        contributions = contribution_list(process=process, user=request.user, **filters).prefetch_related("themes")
        paginator, page = self.paginate(request, contributions)
        for contribution in page:
            contribution.process = process  # no query per row
        context = {"request": request, "can_see_hidden": _can_see_hidden(request.user),
                   "results_visible": process_state(process, phases=process.phases.all()).results_visible}
        return paginator.get_paginated_response(ContributionOutputSerializer(page, many=True, context=context).data)

    @extend_schema(summary=_("Submit a contribution"), request=ContributionCreateInputSerializer,
                   examples=[CONTRIBUTION_EXAMPLE],
                   description=_("Signed in, while the process takes contributions (the same rules as the site's "
                                 "form). Attachments are not accepted here: add them on the site."),
                   responses={201: ContributionDetailOutputSerializer, **_errors(400, 403, 404)})
    def post(self, request, slug):
        process = self.lookup(request, slug=slug)
        self.signed_in_check(request)
        data = self.input_valid(ContributionCreateInputSerializer, request.data)
        district = None
        if data.get("district"):
            district = selectors.district_for_process(process=process, slug=data["district"])
            if district is None:
                raise Invalid("district", _("Unknown district."))
        themes = selectors.themes_for_process(process=process, slugs=data.get("themes") or [])
        if themes is None:
            raise Invalid("theme", _("Unknown theme."))
        contribution = contribution_create(
            process=process, author=request.user, title=data["title"], body=data["body"], district=district,
            themes=themes, latitude=_coordinate(data.get("latitude")), longitude=_coordinate(data.get("longitude")),
            address=data["address"],
            is_anonymous=data["is_anonymous"],
        )
        contribution = contribution_get_for_user(pk=contribution.pk, user=request.user)
        location = reverse("api:contribution_detail", kwargs={"pk": contribution.pk})
        return contribution_detail_response(request, contribution, status=http_status.HTTP_201_CREATED,
                                            headers={"Location": location})


# --- Contributions ------------------------------------------------------------------------------

class ContributionApi(CityApi):
    def lookup(self, request, **kwargs) -> Contribution:
        return contribution_get_for_user(pk=kwargs["pk"], user=request.user)


class ContributionDetailApi(ContributionApi):
    @extend_schema(summary=_("Read a contribution"),
                   description=_("With its status and history, vote counts (unless an open vote hides them), the "
                                 "official answer, and what you may do now."),
                   responses={200: ContributionDetailOutputSerializer, **_errors(404)})
    def get(self, request, pk):
        return contribution_detail_response(request, self.lookup(request, pk=pk))


class ContributionCommentListApi(ContributionApi):
    pagination_class = CityPagination

    @extend_schema(summary=_("List the comments of a contribution"),
                   description=_("In thread order; `parent` links a reply to its comment. Deleted and hidden "
                                 "comments keep their place without their text."),
                   responses={200: CommentOutputSerializer(many=True), **_errors(404)})
    def get(self, request, pk):
        contribution = self.lookup(request, pk=pk)
        paginator, page = self.paginate(request, selectors.comment_list(contribution=contribution))
        context = {"city_name": getattr(getattr(request, "tenant", None), "name", "")}
        return paginator.get_paginated_response(CommentOutputSerializer(page, many=True, context=context).data)

    @extend_schema(summary=_("Comment on a contribution"), request=CommentCreateInputSerializer,
                   examples=[OpenApiExample("reply", request_only=True, value={"body": "Bonne idée !", "parent": 12})],
                   description=_("Signed in, while commenting is open."),
                   responses={201: CommentOutputSerializer, **_errors(400, 403, 404)})
    def post(self, request, pk):
        contribution = self.lookup(request, pk=pk)
        self.signed_in_check(request)
        data = self.input_valid(CommentCreateInputSerializer, request.data)
        parent = None
        if data.get("parent"):
            parent = comment_in_contribution(contribution=contribution, pk=data["parent"])
            if parent is None:
                raise Invalid("parent_unknown", _("You can only reply to a comment of this contribution."))
        comment = comment_post(contribution=contribution, author=request.user, body=data["body"], parent=parent)
        context = {"city_name": getattr(getattr(request, "tenant", None), "name", "")}
        return Response(CommentOutputSerializer(comment, context=context).data, status=http_status.HTTP_201_CREATED)


class ContributionVoteApi(ContributionApi):
    @extend_schema(summary=_("Vote on a contribution, or change your vote"), request=VoteInputSerializer,
                   examples=[OpenApiExample("for", request_only=True, value={"value": "for"})],
                   description=_("Signed in, while a vote is open: for, against (and neutral when offered) in a vote, "
                                 "support in a support phase. Sending the same vote again changes nothing."),
                   responses={200: ContributionDetailOutputSerializer, **_errors(400, 403, 404)})
    def post(self, request, pk):
        contribution = self.lookup(request, pk=pk)
        self.signed_in_check(request)
        data = self.input_valid(VoteInputSerializer, request.data)
        vote_cast(contribution=contribution, voter=request.user, value=vote_selectors.CHOICE_VALUES[data["value"]])
        return contribution_detail_response(request, contribution)

    @extend_schema(summary=_("Withdraw your vote"), request=None,
                   description=_("Signed in, while that kind of vote is open. Withdrawing twice changes nothing."),
                   responses={200: ContributionDetailOutputSerializer, **_errors(403, 404)})
    def delete(self, request, pk):
        contribution = self.lookup(request, pk=pk)
        self.signed_in_check(request)
        vote_withdraw(contribution=contribution, voter=request.user)
        return contribution_detail_response(request, contribution)
