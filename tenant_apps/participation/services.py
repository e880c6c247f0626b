"""Every write of the participation kernel: keyword-only, atomic, audited, side effects on commit."""

import datetime as dt
from collections.abc import Iterable, Sequence

from django.contrib.postgres.search import SearchVector
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, connection, transaction
from django.db.models import Value
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from billing.selectors import module_is_available
from shared_apps.audit.services import city_audit_record
from shared_apps.core.colours import contrast_ratio, parse_hex_colour
from shared_apps.core.errors import Invalid, NotAllowed
from tenant_apps.participation import geo
from tenant_apps.participation.blueprints import BLUEPRINTS, bilingual, blueprint_get
from tenant_apps.participation.events import Event, Happening, event_publish
from tenant_apps.participation.models import (
    Attachment,
    Contribution,
    District,
    OfficialAnswer,
    Phase,
    Process,
    Status,
    StatusChange,
    Theme,
)
from tenant_apps.participation.permissions import capability_check, staff_check
from tenant_apps.participation.phases import Capability, phase_type_get
from tenant_apps.participation.richtext import html_clean, html_is_empty, plain_text, unaccent
from tenant_apps.participation.state import process_state
from tenant_apps.participation.uploads import upload_clean
from tenants.selectors import collectivity_current

# --- Statuses -------------------------------------------------------------------------------------


def statuses_seed_defaults(**_context) -> None:
    """Give each process kind its default statuses, where the city has none yet (idempotent)."""
    for blueprint in BLUEPRINTS.values():
        if Status.objects.filter(process_kind=blueprint.key).exists():
            continue
        for position, spec in enumerate(blueprint.statuses):
            label_fr, label_en = bilingual(spec.label)
            Status.objects.create(process_kind=blueprint.key, key=spec.key, label_fr=label_fr, label_en=label_en,
                                  colour=spec.colour, is_public=spec.is_public, is_final=spec.is_final,
                                  is_default=spec.is_default, position=position)


def status_update(*, status: Status, actor, **fields) -> Status:
    """Edit a status's labels, colour, visibility, finality or order."""
    staff_check(actor)
    allowed = {"label_fr", "label_en", "colour", "is_public", "is_final", "position"}
    for name, value in fields.items():
        if name not in allowed:
            raise Invalid("field", _("This field cannot be changed."))
        setattr(status, name, value)
    rgb = parse_hex_colour(status.colour)
    if rgb is None:
        raise Invalid("colour", _("Give the colour as #RRGGBB."))
    if contrast_ratio(rgb, (255, 255, 255)) < 4.5:
        raise Invalid("colour_contrast", _("This colour is too light for white text (contrast below 4.5:1)."))
    with transaction.atomic():
        status.save()
        city_audit_record(actor=actor, action="status.update", target=status, **{
            k: v for k, v in fields.items() if k != "position"})
    return status


def statuses_export():
    return list(Status.objects.values("process_kind", "key", "label_fr", "label_en", "colour", "is_public",
                                      "is_final", "is_default", "position"))


def statuses_apply(rows) -> None:
    with transaction.atomic():
        for row in rows:
            Status.objects.update_or_create(process_kind=row["process_kind"], key=row["key"], defaults=row)


# --- Themes and districts ---------------------------------------------------------------------------


def theme_create(*, label_fr: str, label_en: str = "", actor=None, position: int = 0) -> Theme:
    slug = _unique_slug(Theme, label_fr)
    theme = Theme.objects.create(label_fr=label_fr, label_en=label_en, slug=slug, position=position)
    if actor is not None:
        city_audit_record(actor=actor, action="theme.create", target=theme, label=label_fr)
    return theme


def district_create(*, name: str, outline: dict | None = None, actor=None, position: int = 0) -> District:
    if outline is not None:
        outline = geo.geometry_clean(outline)
    district = District.objects.create(name=name, slug=_unique_slug(District, name), outline=outline,
                                       position=position)
    if actor is not None:
        city_audit_record(actor=actor, action="district.create", target=district, name=name)
    return district


@transaction.atomic
def districts_import_geojson(*, raw, actor, name_property: str = "nom") -> list[District]:
    """Create or update districts (matched by name) from a GeoJSON FeatureCollection; all or nothing."""
    staff_check(actor)
    features = geo.geojson_features_parse(raw, name_property=name_property)
    districts = []
    for position, (name, geometry) in enumerate(features):
        district = District.objects.filter(name__iexact=name).first()
        if district is None:
            district = District.objects.create(name=name, slug=_unique_slug(District, name), outline=geometry,
                                               position=position)
        else:
            district.outline = geometry
            district.save(update_fields=["outline"])
        districts.append(district)
    city_audit_record(actor=actor, action="district.import", count=len(districts))
    return districts


def district_for_point(*, latitude, longitude) -> District | None:
    """The district whose outline contains the point, if any."""
    for district in District.objects.exclude(outline=None).only("id", "name", "outline"):
        if geo.geometry_contains(district.outline, latitude=latitude, longitude=longitude):
            return district
    return None


# --- Processes and phases ------------------------------------------------------------------------


def _unique_slug(model, text: str, *, max_length: int = 60) -> str:
    base = slugify(unaccent(text))[:max_length].strip("-") or "x"
    slug, n = base, 2
    while model.objects.filter(slug=slug).exists():
        slug = f"{base[:max_length - 4]}-{n}"
        n += 1
    return slug


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@transaction.atomic
def process_create(*, kind: str, title: str, actor, starts_on: dt.date | None = None, summary: str = "",
                   description: str = "", slug: str = "", themes: Iterable[Theme] = (),
                   districts: Iterable[District] = (), publish: bool = False) -> Process:
    """Create a process from a blueprint: its phases are copied as rows the city then edits."""
    staff_check(actor)
    try:
        blueprint = blueprint_get(kind)
    except ValidationError:
        raise Invalid("blueprint", _("Unknown kind of process.")) from None
    if not module_is_available(blueprint.module):
        raise NotAllowed("module_unavailable", _("This module is not enabled for your collectivity."))
    if not title.strip():
        raise Invalid("title_required", _("Give the process a title."))
    if slug and (slug != slugify(slug) or len(slug) > Process._meta.get_field("slug").max_length):
        raise Invalid("slug_invalid", _("Use only lowercase letters, digits and hyphens in the address."))
    if slug and Process.objects.filter(slug=slug).exists():
        raise Invalid("slug_taken", _("This address is already used by another process."))
    process = Process.objects.create(
        kind=blueprint.key, module=blueprint.module, title=title.strip(), slug=slug or _unique_slug(Process, title),
        summary=summary, description=html_clean(description), allows_anonymous=blueprint.allows_anonymous,
        created_by=actor,
    )
    process.themes.set(themes)
    process.districts.set(districts)
    start = _day_start(starts_on or timezone.localdate())
    collectivity = collectivity_current()
    with override(collectivity.locale if collectivity else "fr"):  # phase titles in the city's language
        _phases_copy(process, blueprint, start)
    city_audit_record(actor=actor, action="process.create", target=process, kind=kind, title=process.title)
    if publish:
        process_publish(process=process, actor=actor)
    return process


def _phases_copy(process, blueprint, start):
    for position, spec in enumerate(blueprint.phases):
        phase_type = phase_type_get(spec.type_key)
        end = start + dt.timedelta(days=spec.days)
        capabilities = spec.capabilities if spec.capabilities is not None else phase_type.default_capabilities
        Phase.objects.create(
            process=process, type_key=spec.type_key, title=str(spec.title), position=position,
            starts_at=start, ends_at=end, capabilities=phase_type.capabilities_clean(capabilities),
            config=phase_type.config_clean(spec.config),
        )
        start = end


_PROCESS_FIELDS = {"title", "summary", "description", "cover_alt", "allows_anonymous", "max_attachments"}


@transaction.atomic
def process_update(*, process: Process, actor, themes=None, districts=None, **fields) -> Process:
    staff_check(actor)
    unknown = set(fields) - _PROCESS_FIELDS
    if unknown:
        raise Invalid("field", _("This field cannot be changed."))
    if "description" in fields:
        fields["description"] = html_clean(fields["description"])
    if "title" in fields and not fields["title"].strip():
        raise Invalid("title_required", _("Give the process a title."))
    if "max_attachments" in fields and not 0 <= int(fields["max_attachments"]) <= 10:
        raise Invalid("max_attachments", _("Between 0 and 10 attachments."))
    for name, value in fields.items():
        setattr(process, name, value)
    process.save()
    if themes is not None:
        process.themes.set(themes)
    if districts is not None:
        process.districts.set(districts)
    city_audit_record(actor=actor, action="process.update", target=process, fields=sorted(fields))
    return process


@transaction.atomic
def process_publish(*, process: Process, actor) -> Process:
    staff_check(actor)
    if not process.phases.exists():
        raise Invalid("no_phase", _("Add at least one phase before publishing."))
    process.visibility = Process.Visibility.PUBLISHED
    process.published_at = process.published_at or timezone.now()
    process.save(update_fields=["visibility", "published_at", "updated_at"])
    city_audit_record(actor=actor, action="process.publish", target=process)
    return process


@transaction.atomic
def process_archive(*, process: Process, actor) -> Process:
    staff_check(actor)
    process.visibility = Process.Visibility.ARCHIVED
    process.save(update_fields=["visibility", "updated_at"])
    city_audit_record(actor=actor, action="process.archive", target=process)
    return process


def _phase_validate(phase: Phase) -> None:
    phase_type = phase_type_get(phase.type_key)
    try:
        phase.capabilities = phase_type.capabilities_clean(phase.capabilities)
        phase.config = phase_type.config_clean(phase.config)
    except ValidationError as error:
        raise Invalid(error.code or "phase_config", " ".join(error.messages)) from None
    if not phase.title.strip():
        phase.title = str(phase_type.label)
    if phase.ends_at <= phase.starts_at:
        raise Invalid("phase_dates", _("A phase must end after it starts."))


@transaction.atomic
def phase_add(*, process: Process, actor, type_key: str, starts_at, ends_at, title: str = "",
              capabilities: Iterable[str] | None = None, config: dict | None = None, description: str = "") -> Phase:
    """Add a phase of a registered type at the end of the process."""
    staff_check(actor)
    try:
        phase_type = phase_type_get(type_key)
    except ValidationError:
        raise Invalid("phase_type", _("Unknown phase type.")) from None
    last = process.phases.order_by("-position").values_list("position", flat=True).first()
    phase = Phase(process=process, type_key=type_key, title=title, description=description,
                  position=0 if last is None else last + 1, starts_at=starts_at, ends_at=ends_at,
                  capabilities=list(phase_type.default_capabilities if capabilities is None else capabilities),
                  config=config or {})
    _phase_validate(phase)
    phase.save()
    city_audit_record(actor=actor, action="phase.add", target=phase, process=process.pk, type=type_key)
    return phase


_PHASE_FIELDS = {"title", "description", "starts_at", "ends_at", "capabilities", "config"}


@transaction.atomic
def phase_update(*, phase: Phase, actor, **fields) -> Phase:
    staff_check(actor)
    if set(fields) - _PHASE_FIELDS:
        raise Invalid("field", _("This field cannot be changed."))
    for name, value in fields.items():
        setattr(phase, name, value)
    _phase_validate(phase)
    phase.save()
    city_audit_record(actor=actor, action="phase.update", target=phase, fields=sorted(fields))
    return phase


@transaction.atomic
def phase_remove(*, phase: Phase, actor) -> None:
    staff_check(actor)
    city_audit_record(actor=actor, action="phase.remove", target=phase, title=phase.title)
    process = phase.process
    phase.delete()
    phases_reorder(process=process, actor=actor, phase_ids=list(process.phases.values_list("id", flat=True)))


@transaction.atomic
def phases_reorder(*, process: Process, actor, phase_ids: Sequence[int]) -> None:
    staff_check(actor)
    phases = {p.pk: p for p in process.phases.select_for_update()}
    if sorted(phase_ids) != sorted(phases):
        raise Invalid("phase_order", _("The new order must list every phase of the process once."))
    for position, phase_id in enumerate(phase_ids):
        Phase.objects.filter(pk=phase_id).update(position=position)  # deferred unique constraint


# --- Transitions: run on the phases' dates by a scheduled task in each collectivity -------------------


def process_transitions_run(*, at: dt.datetime | None = None) -> list[Process]:
    """Announce, exactly once, each change of active phases since the last run; return the processes changed."""
    at = at or timezone.now()
    changed = []
    published = Process.objects.filter(visibility=Process.Visibility.PUBLISHED).values_list("pk", flat=True)
    for process_id in published:
        with transaction.atomic():
            # The row lock makes two overlapping runs announce a change once, not twice.
            process = Process.objects.select_for_update().get(pk=process_id)
            state = process_state(process, at=at)
            if state.active_ids == sorted(process.announced_phase_ids):
                continue
            started = [p for p in state.active if p.pk not in process.announced_phase_ids]
            process.announced_phase_ids = state.active_ids
            process.save(update_fields=["announced_phase_ids"])
            city_audit_record(actor=None, action="process.phase_change", target=process,
                              active=[p.title for p in state.active], started=[p.title for p in started])
            for phase in started:
                event_publish(Happening(Event.PHASE_STARTED, process_id=process.pk,
                                        data={"phase": phase.title, "phase_id": phase.pk,
                                              "process": process.title}))
            changed.append(process)
    return changed


# --- Contributions ----------------------------------------------------------------------------------


def _search_vector_refresh(contribution_id: int) -> None:
    contribution = Contribution.objects.only("title", "body", "address").get(pk=contribution_id)
    Contribution.objects.filter(pk=contribution_id).update(search_vector=(
        SearchVector(Value(unaccent(contribution.title)), weight="A", config="french")
        + SearchVector(Value(unaccent(plain_text(contribution.body) + " " + contribution.address)), weight="B",
                       config="french")
    ))


def _location_clean(process_phase: Phase | None, latitude, longitude, address: str):
    mode = (process_phase.config if process_phase else {}).get("location", "optional")
    if (latitude is None) != (longitude is None):
        raise Invalid("location_incomplete", _("Give both the latitude and the longitude, or neither."))
    try:
        valid = latitude is None or (-90 <= float(latitude) <= 90 and -180 <= float(longitude) <= 180)
    except (TypeError, ValueError):
        valid = False
    if not valid:
        raise Invalid("location_invalid", _("This location is not valid."))
    if mode == "required" and latitude is None and not address.strip():
        raise Invalid("location_required", _("Show where it is: a point on the map or an address."))
    if mode == "none":
        return None, None, ""
    return latitude, longitude, address.strip()


@transaction.atomic
def contribution_create(*, process: Process, author, title: str, body: str, district: District | None = None,
                        themes: Iterable[Theme] = (), latitude=None, longitude=None, address: str = "",
                        is_anonymous: bool = False, files: Sequence = (), submission_token=None) -> Contribution:
    """A citizen submits a contribution (or a report) in the phase open for it.

    `submission_token` identifies the form: the same form sent again returns the contribution it made.
    """
    state = process_state(process)
    capability = Capability.REPORT if state.is_open(Capability.REPORT) else Capability.SUBMIT
    capability_check(user=author, process=process, capability=capability, state=state)
    if submission_token is not None:
        earlier = Contribution.objects.filter(author=author, submission_token=submission_token).first()
        if earlier is not None:
            if earlier.title == " ".join((title or "").split()):
                return earlier  # a replay of the same form
            submission_token = None  # the same form page used again for another contribution
    phase = state.phase_for(capability)
    title = " ".join((title or "").split())
    body = html_clean(body)
    if not title:
        raise Invalid("title_required", _("Give your contribution a title."))
    if len(title) > 200:
        raise Invalid("title_too_long", _("The title is too long (200 characters at most)."))
    if html_is_empty(body):
        raise Invalid("body_required", _("Describe your contribution."))
    if is_anonymous and not process.allows_anonymous:
        raise Invalid("anonymous_not_allowed", _("This process does not accept anonymous contributions."))
    limit = phase.config.get("max_per_person", 0)
    if limit:
        # Two submissions of the same person at once must not both pass the count: serialise them.
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))",
                           [f"contribution-limit:{connection.schema_name}:{process.pk}:{author.pk}"])
    if limit and Contribution.objects.filter(process=process, author=author).count() >= limit:
        raise NotAllowed("limit_reached", _("You have reached the number of contributions allowed per person."))
    latitude, longitude, address = _location_clean(phase, latitude, longitude, address)
    if district is not None and district.pk is None:
        raise Invalid("district", _("Unknown district."))
    if district is None and latitude is not None:
        district = district_for_point(latitude=latitude, longitude=longitude)
    if district is None and phase.config.get("district_required"):
        raise Invalid("district_required", _("Choose the district concerned."))
    if len(files) > process.max_attachments:
        raise Invalid("too_many_files", _("%(n)s attachments at most.") % {"n": process.max_attachments})
    cleaned = [upload_clean(f) for f in files]  # every file is checked before anything is written
    try:
        with transaction.atomic():
            contribution = Contribution.objects.create(
                process=process, phase=phase, title=title, body=body, author=author, is_anonymous=is_anonymous,
                district=district, latitude=latitude, longitude=longitude, address=address,
                status=Status.objects.filter(process_kind=process.kind, is_default=True).first(),
                submission_token=submission_token,
            )
    except IntegrityError:
        # The same form arrived twice at the same instant: the other request made it.
        return Contribution.objects.get(author=author, submission_token=submission_token)
    contribution.themes.set(themes)
    for position, upload in enumerate(cleaned):
        _attachment_store(contribution, upload, position)
    _search_vector_refresh(contribution.pk)
    event_publish(Happening(Event.CONTRIBUTION_CREATED, process_id=process.pk, contribution_id=contribution.pk,
                            actor_id=author.pk, data={"title": title, "process": process.title}))
    return contribution


def _attachment_store(contribution: Contribution, upload, position: int) -> Attachment:
    attachment = Attachment(contribution=contribution, kind=upload.kind, content_type=upload.content_type,
                            original_name=upload.original_name, size=len(upload.content), width=upload.width,
                            height=upload.height, position=position)
    attachment.file.save("upload", ContentFile(upload.content), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def contribution_update(*, contribution: Contribution, actor, title: str | None = None, body: str | None = None,
                        district=None, themes=None) -> Contribution:
    """The author edits their contribution while submissions are open."""
    if actor is None or actor.pk != contribution.author_id:
        raise NotAllowed("not_author", _("Only the author can edit this contribution."))
    capability = contribution.phase and Capability.REPORT in contribution.phase.capabilities and Capability.REPORT
    capability_check(user=actor, process=contribution.process, capability=capability or Capability.SUBMIT,
                     contribution=contribution)
    if title is not None:
        title = " ".join(title.split())
        if not title:
            raise Invalid("title_required", _("Give your contribution a title."))
        contribution.title = title[:200]
    if body is not None:
        body = html_clean(body)
        if html_is_empty(body):
            raise Invalid("body_required", _("Describe your contribution."))
        contribution.body = body
    if district is not None:
        contribution.district = district
    contribution.save()
    if themes is not None:
        contribution.themes.set(themes)
    _search_vector_refresh(contribution.pk)
    return contribution


@transaction.atomic
def contribution_status_change(*, contribution: Contribution, status: Status, actor, message: str = "") -> StatusChange:
    """Staff move a contribution to another status of its kind, with an optional public message."""
    staff_check(actor)
    if status.process_kind != contribution.process.kind:
        raise Invalid("status_kind", _("This status does not belong to this kind of process."))
    contribution = Contribution.objects.select_for_update().get(pk=contribution.pk)
    change = StatusChange.objects.create(contribution=contribution, from_status=contribution.status,
                                         to_status=status, message=plain_text(message)[:2000] if message else "",
                                         actor=actor)
    contribution.status = status
    contribution.save(update_fields=["status", "updated_at"])
    city_audit_record(actor=actor, action="contribution.status", target=contribution, status=status.key)
    if status.is_public:
        recipients = (contribution.author_id,) if contribution.author_id else ()
        event_publish(Happening(Event.STATUS_CHANGED, process_id=contribution.process_id,
                                contribution_id=contribution.pk, actor_id=actor.pk, recipient_ids=recipients,
                                data={"title": contribution.title, "status_fr": status.label_fr,
                                      "status_en": status.label_en or status.label_fr, "message": change.message}))
    return change


@transaction.atomic
def official_answer_publish(*, contribution: Contribution, body: str, actor) -> OfficialAnswer:
    """The city answers a contribution officially (replacing its previous answer, if any)."""
    staff_check(actor)
    body = html_clean(body)
    if html_is_empty(body):
        raise Invalid("answer_required", _("Write the answer."))
    answer, created = OfficialAnswer.objects.update_or_create(contribution=contribution,
                                                              defaults={"body": body, "author": actor})
    city_audit_record(actor=actor, action="contribution.answer", target=contribution, created=created)
    recipients = (contribution.author_id,) if contribution.author_id else ()
    event_publish(Happening(Event.ANSWER_PUBLISHED, process_id=contribution.process_id,
                            contribution_id=contribution.pk, actor_id=actor.pk, recipient_ids=recipients,
                            data={"title": contribution.title}))
    return answer


def process_usage_open() -> int:
    now = timezone.now()
    return Process.objects.filter(visibility=Process.Visibility.PUBLISHED, phases__starts_at__lte=now,
                                  phases__ends_at__gt=now).distinct().count()


def contribution_usage_30_days() -> int:
    return Contribution.objects.filter(created_at__gte=timezone.now() - dt.timedelta(days=30)).count()


# --- Collectivity templates: themes and districts are configuration a new city can start from -------


def taxonomy_export():
    return {
        "themes": list(Theme.objects.values("slug", "label_fr", "label_en", "position")),
        "districts": list(District.objects.values("slug", "name", "outline", "position")),
    }


def taxonomy_apply(data) -> None:
    with transaction.atomic():
        for row in data.get("themes", []):
            Theme.objects.update_or_create(slug=row["slug"], defaults=row)
        for row in data.get("districts", []):
            District.objects.update_or_create(slug=row["slug"], defaults=row)


# --- Back-office additions: duplicating a process, covers, creating and deleting statuses -------------


def _next_year(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


@transaction.atomic
def process_duplicate(*, process: Process, actor, title: str = "", starts_on: dt.date | None = None) -> Process:
    """A new draft edition of `process`: same kind, texts, themes, districts, settings and phases, shifted in time.

    The first phase of the copy starts on `starts_on` (by default one year after the original's); no
    contribution is copied.
    """
    staff_check(actor)
    if not module_is_available(process.module):
        raise NotAllowed("module_unavailable", _("This module is not enabled for your collectivity."))
    title = " ".join((title or "").split()) or _("%(title)s (copy)") % {"title": process.title}
    title = title[:Process._meta.get_field("title").max_length]
    phases = list(process.phases.order_by("position", "id"))
    first_start = min((p.starts_at for p in phases), default=None)
    if starts_on is None:
        starts_on = _next_year(timezone.localdate(first_start)) if first_start else timezone.localdate()
    shift = starts_on - timezone.localdate(first_start) if first_start else dt.timedelta(0)

    def shifted(moment):  # by whole days on the wall clock: a phase starting at midnight still does
        return timezone.make_aware(timezone.localtime(moment).replace(tzinfo=None) + shift)

    copy = Process.objects.create(
        kind=process.kind, module=process.module, title=title, slug=_unique_slug(Process, title),
        summary=process.summary, description=process.description, cover_image=process.cover_image.name or "",
        cover_alt=process.cover_alt, allows_anonymous=process.allows_anonymous,
        max_attachments=process.max_attachments, created_by=actor,
    )
    copy.themes.set(process.themes.all())
    copy.districts.set(process.districts.all())
    Phase.objects.bulk_create([
        Phase(process=copy, type_key=p.type_key, title=p.title, description=p.description, position=position,
              starts_at=shifted(p.starts_at), ends_at=shifted(p.ends_at), capabilities=list(p.capabilities),
              config=dict(p.config))
        for position, p in enumerate(phases)
    ])
    # Apps built on the kernel copy what they attach to a process (eligibility rules...), in this transaction.
    phase_map = dict(zip([p.pk for p in phases], copy.phases.order_by("position").values_list("pk", flat=True),
                         strict=True))
    for hook in process_copy_hooks.values():
        hook(source=process, copy=copy, phase_map=phase_map)
    city_audit_record(actor=actor, action="process.duplicate", target=copy, source=process.pk, title=copy.title)
    return copy


# name -> callable(source=Process, copy=Process, phase_map={source phase id: copy phase id}).
process_copy_hooks: dict = {}


@transaction.atomic
def process_cover_update(*, process: Process, actor, upload=None, remove: bool = False) -> Process:
    """Replace (or remove) the cover image of a process; the file must be a JPEG, PNG or WebP image."""
    staff_check(actor)
    if upload is not None:
        cleaned = upload_clean(upload)  # re-encoded from its pixels: no metadata kept
        if cleaned.kind != "image":
            raise Invalid("cover_type", _("The cover must be an image (JPEG, PNG or WebP)."))
        extension = {"image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp"}[cleaned.content_type]
        process.cover_image.save(f"cover{extension}", ContentFile(cleaned.content), save=False)
    elif remove:
        process.cover_image = ""
    else:
        return process
    process.save(update_fields=["cover_image", "updated_at"])
    city_audit_record(actor=actor, action="process.cover", target=process, removed=upload is None)
    return process


def _status_colour_check(colour: str) -> None:
    rgb = parse_hex_colour(colour)
    if rgb is None:
        raise Invalid("colour", _("Give the colour as #RRGGBB."))
    if contrast_ratio(rgb, (255, 255, 255)) < 4.5:
        raise Invalid("colour_contrast", _("This colour is too light for white text (contrast below 4.5:1)."))


@transaction.atomic
def status_create(*, process_kind: str, label_fr: str, actor, label_en: str = "", colour: str = "#3a3a3a",
                  is_public: bool = True, is_final: bool = False) -> Status:
    """Add a status to a process kind, after its existing ones."""
    staff_check(actor)
    if process_kind not in BLUEPRINTS:
        raise Invalid("blueprint", _("Unknown kind of process."))
    label_fr = " ".join((label_fr or "").split())
    if not label_fr:
        raise Invalid("label_required", _("Give the status a French label."))
    _status_colour_check(colour)
    base = slugify(unaccent(label_fr))[:36].strip("-") or "status"
    key, n = base, 2
    while Status.objects.filter(process_kind=process_kind, key=key).exists():
        key = f"{base}-{n}"
        n += 1
    last = (Status.objects.filter(process_kind=process_kind).order_by("-position")
            .values_list("position", flat=True).first())
    status = Status.objects.create(process_kind=process_kind, key=key, label_fr=label_fr,
                                   label_en=" ".join((label_en or "").split()), colour=colour, is_public=is_public,
                                   is_final=is_final, position=0 if last is None else last + 1)
    city_audit_record(actor=actor, action="status.create", target=status, kind=process_kind, label=label_fr)
    return status


def _status_history_q(status: Status):
    from django.db.models import Q

    return Q(from_status=status) | Q(to_status=status)


@transaction.atomic
def status_delete(*, status: Status, actor) -> None:
    """Delete a status no contribution uses (nor used); the default status of a kind stays."""
    staff_check(actor)
    if status.is_default:
        raise Invalid("status_default", _("This is the status given to new contributions: choose another "
                                          "default status before deleting it."))
    used = Contribution.objects.filter(status=status).count()
    if used:
        raise Invalid("status_used", _("This status is used by %(count)s contribution(s): give them another "
                                       "status before deleting it.") % {"count": used})
    if StatusChange.objects.filter(_status_history_q(status)).exists():
        raise Invalid("status_in_history", _("This status appears in the history of contributions: it cannot be "
                                             "deleted. Hide it from the public instead."))
    city_audit_record(actor=actor, action="status.delete", target=status, kind=status.process_kind,
                      label=status.label_fr)
    status.delete()


@transaction.atomic
def status_default_set(*, status: Status, actor) -> Status:
    """Make `status` the one given to new contributions of its kind (exactly one default per kind)."""
    staff_check(actor)
    Status.objects.filter(process_kind=status.process_kind, is_default=True).exclude(pk=status.pk).update(
        is_default=False)
    Status.objects.filter(pk=status.pk).update(is_default=True)
    status.is_default = True
    city_audit_record(actor=actor, action="status.default", target=status, kind=status.process_kind)
    return status
