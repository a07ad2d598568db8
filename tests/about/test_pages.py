"""/about and /privacy tell a newcomer the truth, from every page's footer and from registration,
and the operator adds their own words there only as a site admin, dated and logged."""

import pytest
from sqlalchemy import select

from forum.extensions import db
from forum.models import ActionKind, ModAction, SiteText
from tests.support.pages import csrf_token, form_errors, text


@pytest.mark.parametrize("page", ["/", "/about", "/privacy", "/login", "/register", "/no-such"])
def test_every_page_links_about_and_privacy_from_its_footer(client, page):
    footer = text(client.get(page)).split('class="site-footer"')[1]
    assert 'href="/about"' in footer and 'href="/privacy"' in footer


def test_the_registration_form_links_the_privacy_page_above_the_form(client):
    page = text(client.get("/register"))
    assert page.index('href="/privacy"') < page.index('<form method="post"')


def test_the_pages_state_the_settings_this_site_runs_with(app, client):
    app.config.update(SESSION_LIFETIME_DAYS=12, APPEAL_WINDOW_DAYS=9, SPACE_LOOSENING_NOTICE_DAYS=5)
    privacy = " ".join(text(client.get("/privacy")).split())
    about = " ".join(text(client.get("/about")).split())
    assert "12 days after the last day it was used" in privacy
    assert "within 9 days" in about
    assert "after 5 days' notice" in about


def test_the_reveal_is_described_as_the_site_is_configured(app, client):
    assert "approval of a second, different site admin" in text(client.get("/about"))
    app.config["REVEAL_WITHOUT_SECOND_ADMIN"] = True
    assert "second, different site admin" not in text(client.get("/about"))


def test_privacy_says_no_address_is_kept_and_how_to_delete_everything(client):
    page = text(client.get("/privacy"))
    assert "No addresses." in page
    assert 'href="/settings/delete"' in page


def test_without_operator_texts_the_pages_say_nobody_has_said_who_runs_the_site(client):
    assert "have not yet said who they are" in text(client.get("/privacy"))


def _save(client, **texts):
    fields = {"contact": "", "about": "", "privacy": ""} | texts
    return client.submit("/admin/texts", fields)


def test_an_admin_adds_texts_shown_sanitised_with_the_day_they_changed(admin_client, client):
    response = _save(
        admin_client,
        contact="Run by **Hub Trust**, write to data@hub.example",
        privacy="Our proxy keeps no logs. <script>alert(1)</script>",
    )
    assert response.status_code == 302
    privacy = client.get("/privacy").get_data(as_text=True)
    assert "<strong>Hub Trust</strong>" in privacy
    assert "Our proxy keeps no logs." in privacy and "<script>" not in privacy
    assert "last changed" in privacy
    assert "have not yet said who they are" not in privacy
    assert "Our proxy keeps no logs." not in client.get("/about").get_data(as_text=True)


def test_every_change_is_logged_with_the_text_it_replaced(admin_client, admin):
    _save(admin_client, privacy="First promise.")
    _save(admin_client, privacy="Second promise.")
    _save(admin_client, privacy="Second promise.")  # unchanged: no entry
    entries = db.session.scalars(
        select(ModAction)
        .where(ModAction.action == ActionKind.SITE_TEXT_CHANGED)
        .order_by(ModAction.id)
    ).all()
    assert [entry.changes for entry in entries] == [
        {"text": "privacy", "before": ""},
        {"text": "privacy", "before": "First promise."},
    ]
    assert {entry.actor_id for entry in entries} == {admin.id}


def test_a_too_long_text_is_refused_and_kept(admin_client):
    long_text = "word " * 5000
    response = _save(admin_client, about=long_text)
    assert response.status_code == 400
    assert "under 20,000 characters" in form_errors(text(response))
    assert long_text.strip() in text(response)
    assert db.session.scalar(select(SiteText)) is None


def test_only_site_admins_reach_the_texts_page(client, member_client):
    assert client.get("/admin/texts").status_code == 302  # sign in first
    assert member_client.get("/admin/texts").status_code == 403
    token = csrf_token(member_client, "/settings")
    forged = member_client.post("/admin/texts", data={"csrf_token": token, "about": "Owned."})
    assert forged.status_code == 403
    assert db.session.scalar(select(SiteText)) is None


def test_a_forged_post_without_a_csrf_token_changes_nothing(admin_client):
    response = admin_client.post("/admin/texts", data={"about": "Forged."})
    assert response.status_code == 400
    assert db.session.scalar(select(SiteText)) is None


def test_the_pages_read_the_texts_in_one_query(client, count_queries):
    client.get("/privacy")
    with count_queries() as queries:
        assert client.get("/privacy").status_code == 200
    assert queries.count == 1, queries
