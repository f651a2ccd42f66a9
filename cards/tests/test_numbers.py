"""R2: the card number format catches every single-character typo and every adjacent swap."""

import re
import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards import numbers

payloads = st.text(alphabet=numbers.ALPHABET, min_size=numbers.PAYLOAD_LENGTH, max_size=numbers.PAYLOAD_LENGTH)
card_numbers = payloads.map(lambda payload: payload + numbers.check_character(payload))
positions = st.integers(min_value=0, max_value=numbers.LENGTH - 1)

# Numbers printed on cards in the demo and in support cases; checked exhaustively below.
FIXED = ["22222222", "ZZZZZZZZ", "23456789", "TAMPERE2", "VAPRJKKJ", "HEUREKA7"]
FIXED_NUMBERS = [payload + numbers.check_character(payload) for payload in FIXED]

# Everything a keyboard or scanner might produce that is not a symbol of the alphabet.
OUTSIDE = [ch for ch in string.printable if ch not in numbers.ALPHABET and ch not in "\x0b\x0c"] + [
    "\u00c4", "\u00d6", "\u00c5", "\u00e4", "\u00f6", "\u00e5",  # Ä Ö Å ä ö å
    "\u017f", "\ufb00", "\uff2b", "\u212a", "\u00a0", "*",  # long s, ff ligature, fullwidth K, Kelvin, nbsp
]


def _substitute(number: str, position: int, ch: str) -> str:
    return number[:position] + ch + number[position + 1 :]


def _swap(number: str, position: int) -> str:
    return number[:position] + number[position + 1] + number[position] + number[position + 2 :]


def test_alphabet_is_unambiguous_and_scanner_friendly():
    assert len(numbers.ALPHABET) == 31
    assert len(set(numbers.ALPHABET)) == 31
    assert not set("01OIL") & set(numbers.ALPHABET)
    code39 = set(string.digits + string.ascii_uppercase + "-. $/+%")
    qr_alphanumeric = set(string.digits + string.ascii_uppercase + " $%*+-./:")
    assert set(numbers.ALPHABET) <= code39
    assert set(numbers.ALPHABET) <= qr_alphanumeric
    assert numbers.LENGTH == 9


@given(card_numbers)
def test_numbers_with_their_check_character_are_valid(number):
    assert numbers.is_valid(number)


def test_generated_numbers_are_valid_and_well_formed():
    generated = {numbers.generate() for _ in range(500)}
    assert len(generated) == 500
    for number in generated:
        assert numbers.is_valid(number)
        assert re.fullmatch(r"[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{9}", number)


@given(card_numbers, positions, st.sampled_from(numbers.ALPHABET))
def test_every_substitution_with_another_symbol_is_refused(number, position, ch):
    if ch == number[position]:
        return
    assert not numbers.is_valid(_substitute(number, position, ch))


@given(card_numbers, positions, st.characters(exclude_characters=numbers.ALPHABET))
def test_every_substitution_with_a_character_outside_the_alphabet_is_refused(number, position, ch):
    if ch == number[position].lower():
        return  # the same symbol typed in lower case: the same number
    assert not numbers.is_valid(_substitute(number, position, ch))


@given(card_numbers, st.integers(min_value=0, max_value=numbers.LENGTH - 2))
def test_every_adjacent_transposition_is_refused(number, position):
    if number[position] == number[position + 1]:
        return  # swapping two equal characters leaves the same number
    assert not numbers.is_valid(_swap(number, position))


@given(card_numbers)
def test_normalize_accepts_lower_case_spaces_and_hyphens(number):
    shown = numbers.display(number)
    for typed in (number.lower(), shown, shown.lower(), shown.replace("-", " "), f"  {shown} ", " ".join(number)):
        assert numbers.normalize(typed) == number
        assert numbers.is_valid(typed)


@given(card_numbers)
def test_display_groups_three_by_three(number):
    shown = numbers.display(number)
    assert re.fullmatch(r"[2-9A-Z]{3}-[2-9A-Z]{3}-[2-9A-Z]{3}", shown)
    assert shown.replace("-", "") == number
    assert numbers.display(shown.lower()) == shown


def test_display_example():
    assert numbers.display("abcdefghj") == "ABC-DEF-GHJ"


@pytest.mark.parametrize("number", FIXED_NUMBERS)
def test_fixed_numbers_exhaustively(number):
    assert numbers.is_valid(number)
    refused = 0
    for position in range(numbers.LENGTH):
        for ch in numbers.ALPHABET:
            if ch != number[position]:
                assert not numbers.is_valid(_substitute(number, position, ch)), (position, ch)
                refused += 1
        for ch in OUTSIDE:
            if ch != number[position].lower():
                assert not numbers.is_valid(_substitute(number, position, ch)), (position, ch)
    for position in range(numbers.LENGTH - 1):
        if number[position] != number[position + 1]:
            assert not numbers.is_valid(_swap(number, position)), position
    assert refused == numbers.LENGTH * (numbers.MODULUS - 1)


@pytest.mark.parametrize(
    "raw",
    ["", None, "ABCDEFGH", "ABCDEFGHJK", "ABC-DEF-GH0", "\u017f" * 9, "\u00c4" * 9, "ABC_DEF_GHJ"],
)
def test_malformed_input_is_refused(raw):
    assert not numbers.is_valid(raw)


def test_look_alike_unicode_is_not_folded_into_the_alphabet():
    payload = "SSSSSSSS"
    number = payload + numbers.check_character(payload)
    assert numbers.is_valid(number)
    long_s, ff_ligature = "\u017f", "\ufb00"
    assert long_s.upper() == "S"
    assert ff_ligature.upper() == "FF"
    assert not numbers.is_valid(number.replace("S", long_s, 1))
    assert numbers.normalize(ff_ligature) == ff_ligature
