"""The API's pagination (``REST_FRAMEWORK["DEFAULT_PAGINATION_CLASS"]``).

Like ``core.api.base``, DRF imports this while its views are being imported: no project imports beyond that.
"""

from rest_framework.exceptions import ValidationError
from rest_framework.fields import IntegerField

from core.api.base import Pagination


class StrictPagination(Pagination):
    """Pages of a list. A ``page_size`` that is not a whole number of at least 1 is refused (400 ``invalid``)
    rather than silently replaced by the default, as DRF does; one above ``max_page_size`` gives that many."""

    page_size_query_description = "Results per page, at least 1; more than 200 gives 200. Default 50."
    page_query_description = "A page number, from 1; a page past the last answers 404 `not_found`."

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not (raw.isascii() and raw.isdigit()):
            raise ValidationError({self.page_size_query_param: [IntegerField.default_error_messages["invalid"]]})
        if int(raw) < 1:
            message = IntegerField.default_error_messages["min_value"].format(min_value=1)
            raise ValidationError({self.page_size_query_param: [message]})
        return min(int(raw), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
        return parameters
