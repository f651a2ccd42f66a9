"""Card numbers (R2): nine characters from a 31-symbol alphabet, the last one a check character.

The alphabet leaves out 0/O, 1/I/L so that no two symbols look alike; every symbol is valid in
Code 39 and in the QR alphanumeric mode. Position ``i`` (1-based) has weight ``i`` and the weighted
sum of all nine symbol values is 0 modulo 31. Because 31 is prime and the weights 1..9 are distinct
and non-zero modulo 31, every single-character substitution and every swap of two adjacent,
different characters changes the sum, so a mistyped number is refused before any database lookup.
Printed as ``ABC-DEF-GHJ``; hyphens, spaces and lower case are accepted when typed or scanned.
"""

import secrets

from core.errors import DomainError

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
MODULUS = len(ALPHABET)  # 31, a prime
PAYLOAD_LENGTH = 8
LENGTH = PAYLOAD_LENGTH + 1
_VALUE = {ch: i for i, ch in enumerate(ALPHABET)}
assert MODULUS == 31


_SEPARATORS = frozenset(" -\t\r\n")


def normalize(raw: str) -> str:
    """Upper-case ASCII letters and drop separators; no other correction (a mistyped number must not match).

    Only ``a``–``z`` are upper-cased: ``str.upper`` would also turn look-alikes such as the long s
    ``ſ`` into ``S`` (or the ligature ``ﬀ`` into ``FF``), so a wrong character could pass the check.
    """
    return "".join(
        ch.upper() if "a" <= ch <= "z" else ch for ch in (raw or "") if ch not in _SEPARATORS
    )


def _weighted_sum(symbols: str) -> int:
    return sum((i + 1) * _VALUE[ch] for i, ch in enumerate(symbols))


def check_character(payload: str) -> str:
    """The character that makes the weighted sum of ``payload + check`` divisible by 31."""
    partial = _weighted_sum(payload)
    # Solve partial + LENGTH * c ≡ 0 (mod 31); LENGTH has an inverse because 31 is prime.
    inverse = pow(LENGTH, -1, MODULUS)
    return ALPHABET[(-partial * inverse) % MODULUS]


def is_valid(raw: str) -> bool:
    number = normalize(raw)
    if len(number) != LENGTH or any(ch not in _VALUE for ch in number):
        return False
    return _weighted_sum(number) % MODULUS == 0


def clean(raw: str) -> str:
    """R2, the one card-number check every entry point uses (forms, the importer, the services).

    Returns the normalized number, or ``""`` when nothing was typed (whether a number is required is
    up to the caller); a mistyped number raises ``DomainError("card_number_invalid")`` before any lookup.
    """
    number = normalize(raw)
    if number and not is_valid(number):
        raise DomainError("card_number_invalid")
    return number


def generate() -> str:
    payload = "".join(secrets.choice(ALPHABET) for _ in range(PAYLOAD_LENGTH))
    return payload + check_character(payload)


def display(number: str) -> str:
    """``ABCDEFGHJ`` -> ``ABC-DEF-GHJ`` for print and screen."""
    n = normalize(number)
    return "-".join(n[i : i + 3] for i in range(0, len(n), 3))


MASK = "•••"


def mask(number: str) -> str:
    """``ABCDEFGHJ`` -> ``ABC-•••-GHJ``: enough to tell uses apart, not enough to use the card (DESIGN §5).

    The one masking rule of the pages, the CSV exports and the API; who sees a number in full is
    ``cards.permissions.may_see_card_number``.
    """
    groups = display(number).split("-")
    if len(groups) < 3:
        return MASK
    return "-".join([groups[0], *([MASK] * (len(groups) - 2)), groups[-1]])
