"""Form helpers every app shares."""


class AccessibleErrorsMixin:
    """Ties each field's error list to its input (``aria-describedby``, ``aria-invalid``); the templates
    render the list with the id ``<field id>_errors`` and the help text with ``<field id>_helptext``."""

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in [field] if field else []:
            if name not in self.fields:
                continue
            widget = self.fields[name].widget
            described = widget.attrs.get("aria-describedby", "").split()
            if self.fields[name].help_text and f"{self[name].auto_id}_helptext" not in described:
                described.append(f"{self[name].auto_id}_helptext")
            error_id = f"{self[name].auto_id}_errors"
            if error_id not in described:
                described.append(error_id)
            widget.attrs["aria-describedby"] = " ".join(described)
            widget.attrs["aria-invalid"] = "true"


def error_target(bound_field) -> str:
    """The id a summary link jumps to: the field's input, or the first option of a radio or checkbox group
    (their labels point at no single input, so ``id_for_label`` is empty); none for a hidden field."""
    if bound_field.is_hidden or not bound_field.auto_id:
        return ""
    return bound_field.id_for_label or bound_field.field.widget.id_for_label(bound_field.auto_id, "0")


def error_summary_items(form) -> list[dict]:
    """Every error of a bound form: the form's own first, then each field's in the order of the form. A field's
    errors link to its input (``#id_<field>``); a hidden field's and the form's own have no input to go to and are
    listed without a link. Any form will do, allauth's included."""
    if form is None or not getattr(form, "is_bound", False) or not form.errors:
        return []
    items = [{"target": "", "label": "", "message": error} for error in form.non_field_errors()]
    for bound_field in form:
        for error in bound_field.errors:
            items.append({"target": error_target(bound_field), "label": bound_field.label or "", "message": error})
    return items


def drop_autofocus(form) -> None:
    """A form shown again with errors does not pull the focus to its first field: the error summary takes it
    (static/js/kaikukanta.js), so a screen reader starts from what went wrong."""
    for field in form.fields.values():
        field.widget.attrs.pop("autofocus", None)
