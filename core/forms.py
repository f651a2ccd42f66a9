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
