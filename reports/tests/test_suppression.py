"""The small-cell rule (hardening #9) on exact tables: primary and complementary suppression."""

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from reports.suppression import (
    COMPLEMENTARY,
    SUPPRESSED,
    column_lines,
    hidden_cells,
    row_lines,
    suppress,
    suppress_table,
)

H, C = SUPPRESSED, COMPLEMENTARY


def rank(matrix: list[list[Fraction]]) -> int:
    rows = [row[:] for row in matrix]
    rank, width = 0, len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((r for r in range(rank, len(rows)) if rows[r][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for r in range(len(rows)):
            if r != rank and rows[r][column] != 0:
                factor = rows[r][column] / rows[rank][column]
                rows[r] = [a - factor * b for a, b in zip(rows[r], rows[rank], strict=True)]
        rank += 1
    return rank


def recoverable(hidden: set, lines) -> list:
    """Hidden cells whose value follows exactly from the visible totals and cells (linear algebra over the lines)."""
    order = sorted(hidden)
    equations = [[Fraction(int(cell in line)) for cell in order] for line in lines if set(line) & hidden]
    if not equations:
        return []
    base = rank(equations)
    return [cell for i, cell in enumerate(order)
            if rank([*equations, [Fraction(int(j == i)) for j in range(len(order))]]) == base]


def test_primary_hides_every_count_from_1_to_4_and_keeps_zeros_and_fives():
    # Given an office-like table (name, registered, taken, holders)
    rows = [["A", 2, 7, 0], ["B", 5, 4, 1]]
    # When it is suppressed, Then 1–4 are "<5", 0 and 5+ stay
    assert suppress_table(rows, range(1, 4)) == [["A", H, 7, 0], ["B", 5, H, H]]
    assert rows == [["A", 2, 7, 0], ["B", 5, 4, 1]]  # the input is left as it was


def test_a_single_hidden_cell_next_to_its_row_total_takes_the_smallest_visible_part_with_it():
    # Given a venue row: 6 uses, 2 children, 8 visitors (= uses + children, visible)
    rows = [["Teatteri", 6, 2, 8]]
    # When suppressed with the row's own total as a line
    shown = suppress_table(rows, range(1, 4), row_lines(1, [((1, 2), 3)]))
    # Then the children are "<5" and the uses hidden too: 8 - 6 no longer gives the children away
    assert shown == [["Teatteri", C, H, 8]]


def test_small_parts_with_a_small_total_are_all_hidden_and_a_zero_stays():
    rows = [["Opisto", 3, 0, 3]]
    assert suppress_table(rows, range(1, 4), row_lines(1, [((1, 2), 3)])) == [["Opisto", H, 0, H]]


def test_a_line_of_zeros_around_one_hidden_cell_gets_a_zero_hidden():
    # Given a column whose total (2) is shown elsewhere, and whose other cells are 0
    rows = [[2], [0], [0]]
    # Then one zero is hidden as well (the first): the total minus the zeros no longer gives the 2
    assert suppress_table(rows, [0], column_lines([None] * 3, [0])) == [[H], [C], [0]]


def test_complementary_cells_are_chosen_again_until_no_line_has_a_single_hidden_cell():
    # Given uses, children, visitors of two venues, with the column totals shown (15, 11, 24)
    rows = [[6, 2, 8], [7, 9, 16]]
    lines = row_lines(2, [((0, 1), 2)]) + column_lines([None] * 2, range(3))
    # When suppressed
    shown = suppress_table(rows, range(3), lines)
    # Then: 2 -> "<5"; its row takes the 6; the 6's column the 7; the 7's row its smallest part, the 9
    assert shown == [[C, H, 8], [C, C, 16]]
    primary, complementary = hidden_cells(rows, range(3), lines)
    assert recoverable(primary | complementary, lines) == []


def test_suppress_keeps_its_old_meaning_for_one_value():
    assert [suppress(v) for v in (None, 0, 1, 4, 5, 12)] == [None, 0, H, H, 5, 12]


def test_columns_are_protected_per_region_and_over_the_whole_table():
    # Given offices' cards registered: north 6 and 2 (region figure 8), south 9 and 12 (21), all 29
    rows = [["A", 6], ["B", 2], ["C", 9], ["D", 12]]
    lines = column_lines(["north", "north", "south", "south"], [1])
    # When suppressed
    shown = suppress_table(rows, [1], lines)
    # Then the 2 is "<5" and the north's other office is hidden with it; the south is untouched
    assert shown == [["A", C], ["B", H], ["C", 9], ["D", 12]]
    primary, complementary = hidden_cells(rows, [1], lines)
    assert recoverable(primary | complementary, lines) == []


counts = st.integers(min_value=0, max_value=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(counts, counts, st.sampled_from(["north", "south"])), min_size=1, max_size=6))
def test_no_hidden_value_can_be_recovered_by_subtraction(triples):
    # Given venue rows (uses, children, visitors) of two regions, each region's and the whole table's
    # column totals visible
    rows = [[uses, kids, uses + kids] for uses, kids, _region in triples]
    lines = row_lines(len(rows), [((0, 1), 2)]) + column_lines([region for *_counts, region in triples], range(3))
    # When suppressed
    primary, complementary = hidden_cells(rows, range(3), lines)
    hidden = primary | complementary
    # Then every small count is hidden, no line of two or more cells holds exactly one hidden cell, and no
    # hidden cell follows from the visible cells and totals — unless a total (never hidden) is that count itself
    assert {(r, c) for r, row in enumerate(rows) for c in range(3) if 0 < row[c] < 5} <= hidden
    assert [line for line in lines if sum(cell in hidden for cell in line) == 1 and len(line) > 1] == []
    small_leaks = [(r, c) for r, c in recoverable(hidden, lines) if 0 < rows[r][c] < 5]
    assert [cell for cell in small_leaks if not _shown_by_a_total(rows, cell, lines)] == []


def _shown_by_a_total(rows, cell, lines) -> bool:
    """A small count cannot be protected when a total (never hidden) already shows it: every other cell of
    some line through it is a zero."""
    return any(cell in line and all(rows[r][c] == 0 for r, c in line if (r, c) != cell) for line in lines)
