"""A region's venues and offers as a printable A4 list (issue 13, point 7), in the language of the address
(/fi/…, /sv/…, /en/…), for distributors to print and hand out. Rendered with WeasyPrint, like the printable card
(cards/pdf.py) and the dashboard PDFs.

It lists what the catalogue lists for the region on the day (``venues.selectors.public_venues``: publicly listed
venues active today in a region running today) with their current and coming offers
(``venues.selectors.public_offers``): titles and dates only. A printed sheet outlives any count, so not even the
availability word is printed: people are told to ask the venue. A region that is not running today answers 404, as
its page does.
"""

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.views.decorators.http import require_safe

from regions import selectors as region_selectors
from venues import selectors as venue_selectors


def region_list_html(region_id: int, *, language: str, day=None) -> str:
    day = day or timezone.localdate()
    with translation.override(language):
        region = region_selectors.public_region(region_id, day)
        venues = list(venue_selectors.public_venues(day, region_id=region.pk))
        offers = venue_selectors.public_offers(venues, day)
        return render_to_string("public/pdf/region_list.html", {
            "region": region,
            "region_name": region_selectors.region_name(region, language),
            "entries": [(venue, offers.get(venue.pk, [])) for venue in venues],
            "today": day,
            "language": language,
        })


@require_safe
def region_list_pdf(request, pk: int):
    from weasyprint import HTML  # heavy import, only when printing

    language = translation.get_language()
    html = region_list_html(pk, language=language)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="kaikukortti-region-{pk}-{language}.pdf"'
    return response
