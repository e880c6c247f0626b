"""Reads of the discussion: the panel of a contribution (thread and arguments), a comment, its history.

The `*_decision` predicates say whether a person may change a comment or an argument, and why not;
services enforce them, templates use them to show (or not) the links.
"""

from dataclasses import dataclass, field

from django.http import Http404
from django.utils.translation import gettext as _

from tenant_apps.discussion.models import Argument, Comment, CommentRevision
from tenant_apps.participation.models import Contribution
from tenant_apps.participation.permissions import Decision, capability_decision, is_moderator, is_staff
from tenant_apps.participation.phases import Capability
from tenant_apps.participation.selectors import contribution_get_for_user
from tenant_apps.participation.state import ProcessState

# A comment on the contribution is at depth 1, a reply to it at depth 2, a reply to that at depth 3.
MAX_DEPTH = 3


def _signed_in(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def _open_decision(*, contribution: Contribution, user, capability: Capability,
                   state: ProcessState | None = None) -> Decision:
    return capability_decision(user=user, process=contribution.process, capability=capability, state=state,
                               contribution=contribution)


def comment_edit_decision(*, comment: Comment, user, commenting: Decision | None = None) -> Decision:
    """May `user` rewrite `comment` now? `commenting` is the COMMENT decision, when already known."""
    if not _signed_in(user):
        return Decision(False, "login_required", _("Sign in to take part."))
    if user.pk != comment.author_id:
        return Decision(False, "not_author", _("Only its author can edit this comment."))
    if comment.is_deleted:
        return Decision(False, "deleted", _("This comment was deleted."))
    if comment.is_hidden:
        return Decision(False, "hidden", _("This comment was hidden by moderation."))
    if commenting is None:
        commenting = _open_decision(contribution=comment.contribution, user=user, capability=Capability.COMMENT)
    return commenting


def comment_delete_decision(*, comment: Comment, user) -> Decision:
    """May `user` delete `comment`? Its author may at any time, and so may moderators."""
    if not _signed_in(user):
        return Decision(False, "login_required", _("Sign in to take part."))
    if user.pk != comment.author_id and not is_moderator(user):
        return Decision(False, "not_author", _("Only its author or a moderator can delete this comment."))
    if comment.is_deleted:
        return Decision(False, "deleted", _("This comment was already deleted."))
    return Decision(True)


def argument_change_decision(*, argument: Argument, user, edit: bool, arguing: Decision | None = None) -> Decision:
    """May `user` edit (`edit=True`, while arguments are open) or delete (at any time) `argument`?"""
    if not _signed_in(user):
        return Decision(False, "login_required", _("Sign in to take part."))
    if user.pk != argument.author_id:
        return Decision(False, "not_author", _("Only its author can change this argument."))
    if not edit:
        return Decision(True)
    if argument.is_hidden:
        return Decision(False, "hidden", _("This argument was hidden by moderation."))
    if arguing is None:
        arguing = _open_decision(contribution=argument.contribution, user=user, capability=Capability.ARGUE)
    return arguing


@dataclass
class CommentNode:
    comment: Comment
    depth: int
    children: list["CommentNode"] = field(default_factory=list)
    can_reply: bool = False
    can_edit: bool = False
    can_delete: bool = False

    @property
    def is_visible(self) -> bool:
        """A deleted comment stays in the thread only to hold replies still shown."""
        return not self.comment.is_deleted or bool(self.children)


def _comment_tree(comments: list[Comment], *, user, commenting: Decision) -> list[CommentNode]:
    nodes = {c.pk: CommentNode(comment=c, depth=1) for c in comments}
    roots: list[CommentNode] = []
    for comment in comments:  # ordered by creation: a parent always comes before its replies
        node = nodes[comment.pk]
        parent = nodes.get(comment.parent_id)
        if parent is None:
            roots.append(node)
        else:
            node.depth = parent.depth + 1
            parent.children.append(node)

    def finish(level: list[CommentNode]) -> list[CommentNode]:
        kept = []
        for node in level:
            node.children = finish(node.children)
            if not node.is_visible:
                continue
            comment = node.comment
            node.can_reply = bool(commenting) and not comment.is_deleted and not comment.is_hidden
            node.can_edit = bool(comment_edit_decision(comment=comment, user=user, commenting=commenting))
            node.can_delete = bool(comment_delete_decision(comment=comment, user=user))
            kept.append(node)
        return kept

    return finish(roots)


def _process_offers(state: ProcessState, capability: Capability) -> bool:
    return any(str(capability) in phase.capabilities for phase in (*state.past, *state.active, *state.upcoming))


def comments_panel(*, contribution: Contribution, user, state: ProcessState) -> dict:
    """The comment thread of `contribution` as a tree, from one query, and whether `user` may comment."""
    commenting = _open_decision(contribution=contribution, user=user, capability=Capability.COMMENT, state=state)
    comments = list(Comment.objects.filter(contribution=contribution).select_related("author")
                    .order_by("created_at", "id"))
    for comment in comments:
        comment.contribution = contribution  # the decisions read it: no query per comment
    return {
        "comments": _comment_tree(comments, user=user, commenting=commenting),
        "comment_count": sum(1 for c in comments if not c.is_deleted),
        "comment_decision": commenting,
        "comments_enabled": bool(comments) or _process_offers(state, Capability.COMMENT),
        "can_post_official": is_staff(user),
        "max_depth": MAX_DEPTH,
    }


def arguments_panel(*, contribution: Contribution, user, state: ProcessState) -> dict:
    """The arguments for and against `contribution` (one query), and whether `user` may add one."""
    arguing = _open_decision(contribution=contribution, user=user, capability=Capability.ARGUE, state=state)
    arguments = list(Argument.objects.filter(contribution=contribution).select_related("author")
                     .order_by("created_at", "id"))
    for argument in arguments:
        argument.contribution = contribution
        argument.can_edit = bool(argument_change_decision(argument=argument, user=user, edit=True, arguing=arguing))
        argument.can_delete = bool(argument_change_decision(argument=argument, user=user, edit=False))
    return {
        "arguments_for": [a for a in arguments if a.side == Argument.Side.FOR],
        "arguments_against": [a for a in arguments if a.side == Argument.Side.AGAINST],
        "argue_decision": arguing,
        "arguments_enabled": bool(arguments) or _process_offers(state, Capability.ARGUE),
    }


def contribution_panel(*, contribution: Contribution, user, state: ProcessState) -> dict:
    """Everything the discussion shows on a contribution page: the thread, the arguments, what is open."""
    return {**comments_panel(contribution=contribution, user=user, state=state),
            **arguments_panel(contribution=contribution, user=user, state=state)}


def comment_get_for_user(*, pk: int, user) -> Comment:
    """The comment `pk` if its contribution is visible to `user` in this city, else 404."""
    comment = Comment.objects.filter(pk=pk).select_related("author").first()
    if comment is None:
        raise Http404
    comment.contribution = contribution_get_for_user(pk=comment.contribution_id, user=user)
    return comment


def argument_get_for_user(*, pk: int, user) -> Argument:
    """The argument `pk` if its contribution is visible to `user` in this city, else 404."""
    argument = Argument.objects.filter(pk=pk).select_related("author").first()
    if argument is None:
        raise Http404
    argument.contribution = contribution_get_for_user(pk=argument.contribution_id, user=user)
    return argument


def comment_history_for_user(*, pk: int, user) -> tuple[Comment, list[CommentRevision]]:
    """A public comment and its previous texts, newest first; 404 for deleted or hidden ones."""
    comment = comment_get_for_user(pk=pk, user=user)
    if comment.is_deleted or comment.is_hidden:
        raise Http404
    if comment.contribution.is_hidden and not (is_staff(user) or is_moderator(user)):
        raise Http404
    revisions = list(CommentRevision.objects.filter(comment=comment).order_by("-created_at", "-id"))
    return comment, revisions


def comment_in_contribution(*, contribution: Contribution, pk) -> Comment | None:
    """The comment `pk` of `contribution` (a reply's target), or None."""
    comment = Comment.objects.filter(pk=pk, contribution=contribution).first()
    if comment is not None:
        comment.contribution = contribution
    return comment
