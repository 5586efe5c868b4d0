"""The reviews app's access gate: load series, reviews, agenda items, decisions, actions and wins
only through it.

Read: every internal member reads every series, review, the decision log, the action items and
the wins. Partners see none of it: everything is a 404, like another organisation's.
Write:
- owners and admins create and change series and renew a series' calendar address;
- any internal member but a viewer (``strategy.access.can_contribute``) who attends a series, and
  owners and admins whether they attend or not, work on its reviews: prepare, refresh, start,
  close and cancel one, add, reorder, time-box and drop agenda items;
- any internal member but a viewer records decisions, adds action items and wins;
- a decision is confirmed by any internal member but a viewer of the business or the IT side;
- an action item's status, due date and owner are changed by its owner, whoever recorded it, and
  owners and admins.
Refusals are ``NotFound``, audited where they are raised.
"""

from __future__ import annotations

from django.db.models import QuerySet

from tandem.core.access import Need, meets, refuse, require, require_allowed
from tandem.core.models import Membership, Role, Side
from tandem.reviews import selectors
from tandem.reviews.models import ActionItem, AgendaItem, Decision, Review, ReviewSeries, Win
from tandem.strategy.access import can_contribute

CONFIRMING_SIDES = (Side.BUSINESS, Side.IT)


def is_partner(membership: Membership) -> bool:
    return membership.role == Role.PARTNER


def can_read(membership: Membership) -> bool:
    """Read the weekly review: every internal member."""
    return not is_partner(membership) and meets(membership, Need.READER)


def can_manage_series(membership: Membership) -> bool:
    """Create and change review series: owners and admins."""
    return not is_partner(membership) and meets(membership, Need.ADMIN)


def can_work(membership: Membership) -> bool:
    """Record decisions, action items and wins: any internal member but a viewer."""
    return not is_partner(membership) and can_contribute(membership)


def attends(membership: Membership, series: ReviewSeries) -> bool:
    return series.attendees.filter(pk=membership.pk).exists()


def can_work_on(membership: Membership, series: ReviewSeries) -> bool:
    """Prepare and run the reviews of ``series``: its attendees (not viewers), owners and admins."""
    if not can_work(membership):
        return False
    return meets(membership, Need.ADMIN) or attends(membership, series)


def can_confirm(membership: Membership) -> bool:
    """Confirm a decision: an internal member but a viewer, of the business or the IT side."""
    return can_work(membership) and membership.side in CONFIRMING_SIDES


def can_update_action(membership: Membership, action: ActionItem) -> bool:
    """Change an action item: its owner, whoever recorded it, owners and admins."""
    if is_partner(membership):
        return False
    mine = membership.pk in (action.owner_id, action.created_by_id)
    return mine or meets(membership, Need.ADMIN)


def require_reader(membership: Membership) -> None:
    """``NotFound`` (audited) for partners: the weekly review is internal."""
    require_allowed(membership, not is_partner(membership), why="partners do not see reviews")
    require(membership, Need.READER)


# --- Series ----------------------------------------------------------------------------------------


def series_list_for(membership: Membership) -> QuerySet[ReviewSeries]:
    """The organisation's review series, for an internal member."""
    require_reader(membership)
    return selectors.series_list(membership.organization)


def series_get_for_user(membership: Membership, pk: int) -> ReviewSeries:
    found = series_list_for(membership).filter(pk=pk).first()
    if found is None:
        raise refuse("no such review series", org=membership.organization)
    return found


def series_for_manage(membership: Membership, pk: int) -> ReviewSeries:
    """A series the member may change, or whose calendar address they may renew."""
    series = series_get_for_user(membership, pk)
    require_allowed(membership, can_manage_series(membership), why="may not manage review series")
    return series


def series_for_work(membership: Membership, pk: int) -> ReviewSeries:
    """A series whose next review the member may prepare: its attendees, owners and admins."""
    series = series_get_for_user(membership, pk)
    require_allowed(membership, can_work_on(membership, series), why="does not attend this review series")
    return series


# --- Reviews and their agenda ------------------------------------------------------------------------


def review_get_for_user(membership: Membership, pk: int) -> Review:
    require_reader(membership)
    found = selectors.review_list(membership.organization).filter(pk=pk).first()
    if found is None:
        raise refuse("no such review", org=membership.organization)
    return found


def review_for_work(membership: Membership, pk: int) -> Review:
    """A review the member may run and whose agenda they may change: attendees of its series
    (not viewers), owners and admins."""
    review = review_get_for_user(membership, pk)
    require_allowed(
        membership, can_work_on(membership, review.series), why="does not attend this review series"
    )
    return review


def item_for_work(membership: Membership, pk: int) -> AgendaItem:
    """An agenda item the member may time-box, move or drop (as ``review_for_work``)."""
    require_reader(membership)
    item = (
        AgendaItem.objects.for_org(membership.organization)
        .select_related("review__series")
        .filter(pk=pk)
        .first()
    )
    if item is None:
        raise refuse("no such agenda item", org=membership.organization)
    require_allowed(
        membership, can_work_on(membership, item.review.series), why="does not attend this review series"
    )
    return item


# --- Decisions, actions and wins -------------------------------------------------------------------


def decision_get_for_user(membership: Membership, pk: int) -> Decision:
    require_reader(membership)
    found = selectors.decision_search(membership.organization).filter(pk=pk).first()
    if found is None:
        raise refuse("no such decision", org=membership.organization)
    return found


def decision_for_confirm(membership: Membership, pk: int) -> Decision:
    """A decision the member may confirm for their side (business or IT, not a viewer)."""
    decision = decision_get_for_user(membership, pk)
    require_allowed(membership, can_confirm(membership), why="may not confirm decisions")
    return decision


def action_get_for_user(membership: Membership, pk: int) -> ActionItem:
    require_reader(membership)
    found = selectors.action_list(membership.organization).filter(pk=pk).first()
    if found is None:
        raise refuse("no such action item", org=membership.organization)
    return found


def action_for_update(membership: Membership, pk: int) -> ActionItem:
    """An action item the member may change: its owner, its recorder, owners and admins."""
    action = action_get_for_user(membership, pk)
    require_allowed(membership, can_update_action(membership, action), why="may not change this action")
    return action


def win_get_for_user(membership: Membership, pk: int) -> Win:
    require_reader(membership)
    found = selectors.win_list(membership.organization).filter(pk=pk).first()
    if found is None:
        raise refuse("no such win", org=membership.organization)
    return found


def require_work(membership: Membership) -> None:
    """``NotFound`` (audited) unless the member may record decisions, actions and wins."""
    require_reader(membership)
    require_allowed(membership, can_work(membership), why="may not work on reviews")
