"""Signed mobile card links: an unguessable URL per card, no e-mail or login needed.

The token is the card's primary key signed with the project's secret (``django.core.signing``); it
never expires by itself. The mobile page re-reads the card on every request, so inactivating the
card (lost, replaced, returned) or reducing it to statistics kills the link at once.
"""

from django.core import signing
from django.urls import reverse

from .models import Card

SALT = "kaikukanta.cards.mobile"


def mobile_token(card: Card) -> str:
    return signing.Signer(salt=SALT).sign_object(card.pk)


def card_pk_from_token(token: str) -> int | None:
    """The card's pk, or None for a forged or mangled token."""
    try:
        pk = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    return pk if isinstance(pk, int) else None


def card_is_live(card: Card | None) -> bool:
    """An inactivated or reduced card has no mobile card any more (it shows 'no longer in use')."""
    return card is not None and card.status == Card.Status.ACTIVE and card.reduced_on is None


def mobile_path(card: Card) -> str:
    return reverse("cards:mobile", kwargs={"token": mobile_token(card)})


def mobile_url(request, card: Card) -> str:
    return request.build_absolute_uri(mobile_path(card))
