"""The search page: the form, and the results when the form holds a search."""

from flask import Blueprint, make_response, render_template, request
from flask_login import current_user

from forum import headers
from forum.inputs import checks_its_own_query
from forum.limits import SEARCH, RateLimited, requester_key
from forum.pagination import page_number
from forum.search import queries
from forum.search.forms import ANY_SPACE, SearchForm

bp = Blueprint("search", __name__)


@bp.route("/search")
@checks_its_own_query
def search():
    form = SearchForm(request.args)
    spaces = queries.searchable_spaces(current_user)
    form.space.choices = {
        ANY_SPACE: "All spaces you can read",
        **{space.slug: space.name for space in spaces},
    }
    results, limited, status = None, None, 200
    if "q" in request.args:
        if form.validate():
            try:
                SEARCH.spend(requester_key())
                results = queries.search(current_user, _criteria(form, spaces), page_number())
            except RateLimited as error:
                limited, status = error, error.status
        else:
            status = 400
    response = make_response(
        render_template("search/search.html", form=form, results=results, limited=limited),
        status,
    )
    if limited is not None:
        response.headers.update(limited.headers)
    if current_user.is_authenticated:
        # Results may quote closed spaces and mark the viewer's pseudonym: no cache keeps them.
        headers.no_store(response)
    return response


def _criteria(form: SearchForm, spaces: list[queries.SearchableSpace]) -> queries.Criteria:
    space_ids = {space.slug: space.id for space in spaces}
    return queries.Criteria(
        text=form.q.data,
        space_id=space_ids.get(form.space.data),
        author=(form.author.data or "").strip(),
        since=form.since.data,
        until=form.until.data,
    )
