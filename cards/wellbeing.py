"""Wellbeing answers kept with their date and occasion (issue 17, point 1).

The card's own fields (``wellbeing_at_issue``, ``wellbeing_at_renewal``) keep their meaning; this history is
what the statistics of change read (``reports.selectors.wellbeing_change``): per holder the first and the
latest answer, from the latest rows alone (``WellbeingAnswer.first_value``).
"""

import datetime

from .models import Card, WellbeingAnswer


def wellbeing_answer_record(*, card: Card, value: int | None, occasion: str, day: datetime.date) -> None:
    """Keep one answer (``None``: not asked or not answered, nothing kept). Called inside the issue or renewal
    transaction, with the card locked (renewal) or just created (issue)."""
    if value is None or card.kind != Card.Kind.PERSONAL:
        return
    earlier = WellbeingAnswer.objects.filter(card=card)
    first = earlier.order_by("answered_on", "pk").values_list("value", flat=True).first()
    earlier.filter(latest=True).update(latest=False)
    WellbeingAnswer.objects.create(card=card, answered_on=day, occasion=occasion, value=value, first_value=first,
                                   latest=True, region_id=card.region_id,
                                   home_municipality_id=card.home_municipality_id)
