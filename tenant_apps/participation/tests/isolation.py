"""Cross-collectivity isolation cases for the kernel's pages (see tests/isolation.py)."""

import io

from tests.isolation import IsolationCase


def _process(city):
    from tenant_apps.participation.tests.factories import process_in_phase

    process = process_in_phase("ideas", "submission", title="Processus isolé de la ville A")
    return process


def _process_kwargs(city):
    process = _process(city)
    return {"slug": process.slug}, process.title


def _contribution(city):
    from tenant_apps.participation.tests.factories import contribution

    item = contribution(_process(city), title="Contribution isolée de la ville A")
    return {"pk": item.pk}, item.title


def _contribution_edit(city):
    from tenant_apps.participation.tests.factories import account, contribution

    # The edit page is the author's only: the case checks that it does not exist on city B.
    item = contribution(_process(city), author=account(), title="Contribution à modifier de la ville A")
    return {"pk": item.pk}, ""


def _attachment(city):
    from PIL import Image

    from tenant_apps.participation.tests.factories import contribution

    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "blue").save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "plan.png"
    item = contribution(_process(city), title="Avec pièce jointe", files=[buffer])
    return {"pk": item.attachments.get().pk}, ""


def _cover(city):
    from django.core.files.base import ContentFile
    from PIL import Image

    process = _process(city)
    buffer = io.BytesIO()
    Image.new("RGB", (10, 10), "green").save(buffer, format="PNG")
    process.cover_image.save("cover.png", ContentFile(buffer.getvalue()))
    return {"slug": process.slug}, ""


CASES = [
    IsolationCase("participation:status_change", _contribution, status_home=405),
    IsolationCase("participation:answer", _contribution, status_home=405),
    IsolationCase("participation:process_detail", _process_kwargs),
    IsolationCase("participation:contribution_list", _process_kwargs),
    IsolationCase("participation:contribution_create", _process_kwargs, status_home=302),
    IsolationCase("participation:contribution_detail", _contribution),
    IsolationCase("participation:contribution_edit", _contribution_edit, status_home=302),
    IsolationCase("participation:attachment", _attachment),
    IsolationCase("participation:process_cover", _cover),
]
