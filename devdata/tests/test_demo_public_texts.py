"""The demo's texts in three languages (issue 13, point 4): Tampere's region page and Vapriikki."""

import pytest

from devdata.demo import demo_seed
from regions.models import Region
from venues.models import Venue


@pytest.mark.django_db
def test_the_demo_has_swedish_and_english_texts_for_tampere_and_vapriikki(client):
    """Issue 13, point 4: the region page and the catalogue show the demo's Swedish texts, English falls back."""
    demo_seed(small=True)
    tampere = Region.objects.get(name_fi="Tampere")
    assert tampere.name_sv == "Tammerfors"
    sv_region = client.get(f"/sv/regions/{tampere.pk}/").content.decode()
    assert "I Tammerfors får man Kaikukortti" in sv_region
    vapriikki = Venue.objects.get(region=tampere, name="Vapriikki")
    assert vapriikki.address_en is None
    en = client.get("/en/venues/?q=Vapriikki").content.decode()
    assert "Alaverstaanraitti 5, 33100 Tampere" in en
    assert "Step-free entrance and lifts to every floor." in en
