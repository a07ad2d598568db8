"""Site admin pages: accounts and verified labels, and creating spaces."""

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.route("/spaces/new")
def new_space():
    raise NotImplementedError  # being built
