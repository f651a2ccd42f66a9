import pytest
from django.urls import reverse

from distributors.tests.factories import OfficeMembershipFactory
from regions.tests.factories import CoordinatorFactory, RegionContactFactory, RegionFactory, UserFactory
from reports.services import export_record


def staff(user):
    user.is_staff = True
    user.save()
    return user


@pytest.mark.django_db
def test_export_log_in_the_admin_is_scoped_and_read_only(client):
    north, south = RegionFactory(name="Pohjoinen"), RegionFactory(name="Etelä")
    someone = UserFactory(username="tilastoija")
    export_record(user=someone, what="regional_dashboard", fmt="csv", region_ids=[north.pk])
    export_record(user=someone, what="regional_dashboard", fmt="pdf", region_ids=[south.pk])
    export_record(user=someone, what="national_dashboard", fmt="xlsx", region_ids=None)
    url = reverse("admin:reports_exportrecord_changelist")

    client.force_login(staff(CoordinatorFactory().user))
    assert client.get(url).context["cl"].result_count == 3
    client.force_login(staff(RegionContactFactory(region=north).user))
    response = client.get(url)
    assert [r.format for r in response.context["cl"].result_list] == ["csv"]
    record = response.context["cl"].result_list[0]
    assert client.post(reverse("admin:reports_exportrecord_change", args=[record.pk]), {}).status_code == 403
    client.force_login(staff(OfficeMembershipFactory().user))
    assert client.get(url).status_code == 403
