"""NationalSettings: the one row of national rules, cached for the counter."""

import pytest

from regions.models import NationalSettings


@pytest.mark.django_db
def test_national_settings_are_read_from_the_cache_and_a_save_replaces_them(django_assert_num_queries):
    first = NationalSettings.current()
    with django_assert_num_queries(0):
        assert NationalSettings.current().group_max == first.group_max == 5

    first.group_max = 6
    first.save()

    assert NationalSettings.current().group_max == 6
    with django_assert_num_queries(0):
        NationalSettings.current()


@pytest.mark.django_db
def test_a_process_holds_the_settings_for_a_few_seconds_and_a_save_drops_them(django_assert_num_queries):
    from django.core.cache import cache

    rules = NationalSettings.current()
    cache.clear()  # another process's change of the shared copy is not seen at once ...
    with django_assert_num_queries(0):
        assert NationalSettings.current() is rules
    rules.group_max = 7
    rules.save()  # ... but this process's own save is
    assert NationalSettings.current().group_max == 7
