"""The calendar feed's public address: a secret URL a calendar application fetches without an
account. The secret is its own key and scope: one route serves a series' feed and a person's.

An unknown secret, a renewed one (the nonce changed, so the old digest matches nothing), the feed
of a member who was deactivated or is a partner: all answer the same empty 404, saying nothing
about what existed. The feed is read, never written (no session, no audit, no task) and may be
kept five minutes by the client; it is written in the organisation's language, or the person's.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.utils import translation
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods

from tandem.core.access import Need, meets
from tandem.core.language import language_for
from tandem.core.links import secret_digest
from tandem.core.services import link_base_url
from tandem.reviews import ics
from tandem.reviews.models import PersonalFeed, ReviewSeries, ReviewStatus

CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_CONTROL = "private, max-age=300"
MAX_TOKEN_LENGTH = 64
MAX_FILENAME_LENGTH = 60


def _series_for(digest: str) -> ReviewSeries | None:
    return ReviewSeries.objects.unscoped().select_related("organization").filter(feed_digest=digest).first()


def _personal_for(digest: str) -> PersonalFeed | None:
    """The personal feed of ``digest`` while its member may still read reviews."""
    feed = (
        PersonalFeed.objects.unscoped()
        .select_related("organization", "membership__user", "membership__organization")
        .filter(digest=digest)
        .first()
    )
    if feed is None:
        return None
    member = feed.membership
    if not (member.is_active and member.user.is_active and meets(member, Need.READER)):
        return None
    return feed


def _filename(name: str) -> str:
    """An ASCII file name a browser and a calendar accept in a Content-Disposition header."""
    stem = slugify(name)[:MAX_FILENAME_LENGTH].strip("-") or "weekly-review"
    return f"{stem}.ics"


def _calendar_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{_filename(filename)}"'
    response["Cache-Control"] = CACHE_CONTROL
    return response


def _series_feed(request: HttpRequest, series: ReviewSeries) -> HttpResponse:
    cancelled = series.reviews.filter(status=ReviewStatus.CANCELLED).only("series", "scheduled_at", "status")
    with translation.override(language_for(organization=series.organization)):
        body = ics.series_calendar(series, reviews=cancelled, base_url=link_base_url(request))
    return _calendar_response(body, series.name)


def _personal_feed(request: HttpRequest, feed: PersonalFeed) -> HttpResponse:
    member = feed.membership
    with translation.override(language_for(member.user, member.organization)):
        body = ics.person_calendar(member, base_url=link_base_url(request))
    return _calendar_response(body, f"{member.organization.slug}-weekly-reviews")


@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, feed_token: str) -> HttpResponse:
    """The calendar behind a feed secret, a series' or a person's; an empty 404 otherwise."""
    if not feed_token or len(feed_token) > MAX_TOKEN_LENGTH:
        return HttpResponseNotFound()
    digest = secret_digest(feed_token)
    series = _series_for(digest)
    if series is not None:
        return _series_feed(request, series)
    personal = _personal_for(digest)
    if personal is not None:
        return _personal_feed(request, personal)
    return HttpResponseNotFound()
