"""Small cells below region level: the one rule for the dashboards, their files and the API (DESIGN §3, R16).

Primary suppression
    In a table below region level (offices, venues, home municipalities, welfare areas), every count
    from 1 to 4 is hidden — cards and cardholders, and also uses and children: a municipality row that
    shows holders "<5" next to 1 child says as much as the count it hides. Shown as ``SUPPRESSED``.

Complementary suppression
    A hidden count must not come back by subtraction. A *line* is a set of cells whose sum is shown
    somewhere: a row's own total (visitors = uses + children), and a column over the rows of one region
    (the region's figure is on the same dashboard: key figures, or the table by region) and over the
    whole table (the key figures). Where a line holds exactly one hidden
    cell, its smallest visible non-zero cell is hidden as well (``COMPLEMENTARY``: it is not a small
    count, so it is not shown as "<5"), and the lines are checked again until none holds exactly one
    hidden cell. A line whose other cells are all zero gets a zero hidden (else the total gives the
    hidden count away).

Totals themselves (the region and national figures) are never hidden: they are region level.
"""

from collections.abc import Iterable, Sequence

SMALL_COUNT_LIMIT = 5
SUPPRESSED = "<5"
COMPLEMENTARY = ".."

Cell = tuple[int, int]  # (row index, column index)


def is_small(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < SMALL_COUNT_LIMIT


def suppress(value: int | None) -> int | str | None:
    """One count below region level: 1–4 is shown as "<5"."""
    if value is None:
        return None
    return SUPPRESSED if is_small(value) else value


def row_lines(n_rows: int, totals: Iterable[tuple[Sequence[int], int]]) -> list[list[Cell]]:
    """Lines of each row's own totals: ``((part columns), total column)`` -> one line per row."""
    return [[(row, column) for column in (*parts, total)] for parts, total in totals for row in range(n_rows)]


def column_lines(groups: Sequence, columns: Iterable[int]) -> list[list[Cell]]:
    """Lines of each column over the rows of each group (``groups[i]``: the region of row ``i``) and over the
    whole table: each sums to a figure shown at region level or above."""
    columns = list(columns)
    by_group: dict = {}
    for index, group in enumerate(groups):
        by_group.setdefault(group, []).append(index)
    members = [*by_group.values(), list(range(len(groups)))] if len(by_group) > 1 else [list(range(len(groups)))]
    return [[(row, column) for row in rows] for rows in members for column in columns]


def hidden_cells(rows: Sequence[Sequence], columns: Iterable[int],
                 lines: Iterable[Sequence[Cell]] = ()) -> tuple[set[Cell], set[Cell]]:
    """The cells to hide: (primary, complementary). ``columns``: the count columns below region level."""
    columns = list(columns)
    primary = {(r, c) for r, row in enumerate(rows) for c in columns if is_small(row[c])}
    hidden = set(primary)
    lines = [list(line) for line in lines]
    changed = True
    while changed:
        changed = False
        for line in lines:
            if sum(cell in hidden for cell in line) != 1:
                continue
            visible = [cell for cell in line if cell not in hidden and isinstance(rows[cell[0]][cell[1]], int)]
            candidates = [cell for cell in visible if rows[cell[0]][cell[1]] > 0] or visible
            if candidates:
                hidden.add(min(candidates, key=lambda cell: (rows[cell[0]][cell[1]], cell)))
                changed = True
    return primary, hidden - primary


def suppress_table(rows: Sequence[Sequence], columns: Iterable[int],
                   lines: Iterable[Sequence[Cell]] = ()) -> list[list]:
    """``rows`` with the primary cells shown as "<5" and the complementary ones as ``COMPLEMENTARY``."""
    primary, complementary = hidden_cells(rows, columns, lines)
    return [
        [SUPPRESSED if (r, c) in primary else COMPLEMENTARY if (r, c) in complementary else value
         for c, value in enumerate(row)]
        for r, row in enumerate(rows)
    ]
