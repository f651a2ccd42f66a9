"""Whom the public pages name as the service's contact: one place to change it.

From the source documents (../shared/seeds/): the national Kaikukortti support service, Kaikukeskus, part of the
Culture for All Service (Kulttuuria kaikille -palvelu) run by the association Yhdenvertaisen kulttuurin puolesta ry,
and its contact for the Kaikukanta registry and statistics (the 2024 news item gives his title and telephone, the
national page his e-mail address). The accessibility statement and the privacy notice name him for feedback and for
questions about the data.
"""

CONTROLLER = "Yhdenvertaisen kulttuurin puolesta ry"
REGISTRY_CONTACT = {
    "name": "Seppo Mallenius",
    "phone": "040 554 4321",
    "phone_international": "+358405544321",
    "email": "seppo.mallenius@cultureforall.fi",
}
NATIONAL_WEBSITE = "https://kaikukortti.fi/"
