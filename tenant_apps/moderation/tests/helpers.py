"""Data for moderation tests. Comments and arguments belong to the discussion app, built in parallel: they are
created with the ORM here (another app's model), contributions through the kernel's services."""

from django.apps import apps

from tenant_apps.participation.events import listener_register
from tenant_apps.participation.tests.factories import account, contribution, process_in_phase

received = []  # what the test listener heard; emptied by the `heard` fixture
listener_register("moderation-tests", received.append)


def idea(author=None, **kwargs):
    process = kwargs.pop("process", None) or process_in_phase("ideas", "submission")
    return contribution(process, author=author or account(), **kwargs)


def comment(on=None, author=None, body="Un commentaire désobligeant."):
    Comment = apps.get_model("discussion", "Comment")
    return Comment.objects.create(contribution=on or idea(), author=author or account(), body=body)


def argument(on=None, author=None, body="Un argument hors sujet.", side="for"):
    Argument = apps.get_model("discussion", "Argument")
    return Argument.objects.create(contribution=on or idea(), author=author or account(), body=body, side=side)


def target_of(kind, author=None, **kwargs):
    return {"contribution": idea, "comment": comment, "argument": argument}[kind](author=author, **kwargs)
