from django import template
from django.core.exceptions import FieldDoesNotExist
from django.template import engines
from django.utils.safestring import mark_safe

from nominations import rules, selectors
from nominations.models import Attachment, Nomination

register = template.Library()


@register.filter
def status_label(value: str) -> str:
    """'waitlisted' as people read it: 'Wait-listed'."""
    try:
        return Nomination.Status(value).label
    except ValueError:
        return value


@register.simple_tag(takes_context=True)
def status_badge(context, nomination: Nomination) -> str:
    """The nomination's status as the reader sees it (`rules.status_seen_by`), drawn by the badge's one
    template, jinja2/nominations/status_badge.jinja, which the review's Jinja2 rows use too."""
    user = context["request"].user
    status = rules.status_seen_by(user, nomination)
    badge = engines["jinja2"].env.get_template("nominations/status_badge.jinja").module.status_badge
    return mark_safe(badge(status, rules.status_label_seen_by(user, status)))  # Jinja2 escaped the label


@register.simple_tag(takes_context=True)
def nomination_actions(context, nomination: Nomination, is_open: bool) -> rules.NominationActions:
    """`{% nomination_actions nomination is_open as may %}`, then `{% if may.withdraw %}`: what the reader may
    do with the nomination, by the predicates the services check (nominations/rules.py). `is_open` is the
    page's `rules.nominations_are_open` for the nomination's economy, read once."""
    return rules.nomination_actions(context["request"].user, nomination, is_open=is_open)


@register.filter
def document_names(kinds) -> str:
    """`{{ kinds|document_names }}`: 'the curriculum vitae and endorsement letter'."""
    return rules.document_names(kinds)


@register.inclusion_tag("nominations/_document_checklist.html")
def document_checklist(project, attachments, compact=False) -> dict:
    """`{% document_checklist project attachments %}`: each document the project requires, held or
    missing (`rules.missing_documents`), and any optional one held; `compact=True`, for a table's cell,
    says only what is still lacking."""
    held = {getattr(a, "kind", a) for a in attachments}
    missing = rules.missing_documents(project, held)
    checklist = [
        {"label": label, "held": kind in held}
        for kind, label in Attachment.Kind.choices
        if kind in held or kind in missing
    ]
    lacking = [{"label": Attachment.Kind(kind).label} for kind in missing]
    return {"checklist": checklist, "lacking": lacking, "compact": compact}


def _kind_label(kind) -> str:
    try:
        return Attachment.Kind(kind).label
    except ValueError:
        return "Document"


def _field_label(name: str) -> str:
    try:
        label = str(Nomination._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        label = name.replace("_", " ")
    return label[:1].upper() + label[1:]


def _words(code) -> str:
    """A code as words, for values this module has no label for: 'override_revoked' → 'Override revoked'."""
    text = str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


@register.filter
def history_label(entry) -> str:
    """What one audit entry in a nomination's history says, in words: 'Curriculum vitae uploaded',
    'Submitted → Wait-listed', never the action's code."""
    action, changes = entry.action, entry.changes or {}
    # `selectors.nomination_history` puts the change as its reader may know it in `status_change`.
    is_move = action.startswith("nominations.nomination.")
    change = (getattr(entry, "status_change", None) or changes.get("status")) if is_move else None
    if change:
        old, new = change
        return f"{status_label(old)} → {status_label(new)}" if old else status_label(new)
    match action:
        case "nominations.nomination.created":
            return "Nomination created"
        case "nominations.nomination.updated":
            return "Edited: " + ", ".join(_field_label(name) for name in changes)
        case "nominations.nomination.attachment_uploaded":
            return f"{_kind_label(changes.get('kind'))} uploaded"
        case "nominations.attachment.downloaded":
            return f"{_kind_label(changes.get('kind'))} downloaded"
        case "nominations.nomination.name_corrected":
            old, new = changes.get("full_name", ["", ""])
            return f"Name corrected from {old} to {new}"
        case "attendance.mark.set":
            old, new = changes.get("status", [None, None])
            return f"Attendance: {_words(old)} → {_words(new)}" if old else f"Attendance: {_words(new)}"
        case "attendance.eligibility.overridden":
            return "Made eligible for the certificate by override"
        case "attendance.eligibility.override_revoked":
            return "Override of the certificate's eligibility withdrawn"
    # An action with no sentence of its own: its last two parts as words ('certificates.certificate.issued').
    return _words(" ".join(action.split(".")[-2:]))


@register.filter
def selected_for(user, project) -> bool:
    """Whether `user` is a participant selected for `project`: how the project page, in the app below this
    one, offers a participant their program without importing nominations."""
    return bool(getattr(user, "is_participant", False)) and (
        selectors.projects_of_participant(user).filter(pk=project.pk).exists()
    )
