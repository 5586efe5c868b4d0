"""Which language a request is answered in: the person's own choice (profile, or the menu's
switcher), then the organisation's default on its pages, then the browser's Accept-Language.

``LocaleMiddleware`` picks the switcher's cookie or Accept-Language; ``PreferredLanguageMiddleware``
puts a signed-in person's choice first, and outside an organisation's pages the default their
organisations agree on; ``org_view`` applies the organisation's default when nobody chose. A survey
link (no account) follows ``respondent_language``; e-mails follow ``language_for``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.conf import settings
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation.trans_real import parse_accept_lang_header

from tandem.core.numbers import number

# Set on the views of an organisation's pages (``org_view``), which apply that organisation's default.
ORG_VIEW = "tandem_org_view"


def use_language(request: HttpRequest, language: str) -> None:
    """Answer this request in ``language`` (pages, messages, the Content-Language header)."""
    translation.activate(language)
    request.LANGUAGE_CODE = language


def follows_organisation_language(request: HttpRequest) -> bool:
    """Whether nobody chose a language for this request: no choice in the person's profile and no
    switcher cookie. Then the organisation's default applies, before the browser's."""
    language = getattr(request.user, "language", "") if request.user.is_authenticated else ""
    return not language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES


def organisations_language(user: object) -> str:
    """The default language of the person's organisations when they agree on one ("" otherwise):
    what a person who chose nothing gets outside an organisation's pages (their profile)."""
    from tandem.core.models import Membership  # models import this module's neighbours

    defaults = set(
        Membership.objects.for_user(user)
        .active()
        .exclude(organization__language="")
        .values_list("organization__language", flat=True)
    )
    return defaults.pop() if len(defaults) == 1 else ""


def respondent_language(request: HttpRequest, default: str) -> str:
    """The language of a page for someone without an account (a survey link): their own choice
    (the switcher's cookie), else what their browser asks for when Tandem speaks it, else
    ``default`` (the campaign's), else the installation's."""
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in dict(settings.LANGUAGES):
        return chosen
    for asked, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
        if asked == "*":
            continue
        try:
            return translation.get_supported_language_variant(asked)
        except LookupError:
            continue
    return default or settings.LANGUAGE_CODE


def catalogued(text: str) -> str:
    """``text`` in the active language when the catalogues hold it (words Tandem wrote into the
    data, such as a shipped question or the reason "Created"); as written otherwise."""
    return translation.gettext(text) if text else text


def phrased(text: str, params: Mapping[str, object] | None = None) -> str:
    """A sentence Tandem wrote into the data as catalogue words with values ("why check: misaligned
    (round %(round)s, score %(score)s)" and {"round": 12, "score": 0.31}), in the active language,
    its fractions written the language's way (0,31 in Dutch). Without values, ``catalogued``."""
    if not params:
        return catalogued(text)
    values = {key: _value(value) for key, value in params.items()}
    for template in (translation.gettext(text), text):
        try:
            return template % values
        except (KeyError, TypeError, ValueError):
            continue  # a translation that lost a value falls back to the source words
    return text


def _value(value: object) -> object:
    """A value of ``phrased`` as the reader reads it: a fraction the language's way, and a word
    given as ``{"word": "Paused"}`` (a stage, a verdict, a side) from the catalogue."""
    if isinstance(value, float):
        return number(value)
    if isinstance(value, dict) and set(value) == {"word"}:
        return catalogued(str(value["word"]))
    return value


def word(text: str) -> dict[str, str]:
    """A value of ``phrased`` that is itself catalogue words (``gettext_noop``'d by the caller)."""
    return {"word": text}


def source_words(text: object) -> str:
    """A catalogue text (a choice's label, a lazy message) in the words Tandem is written in."""
    with translation.override(None):
        return str(text)


def in_source_words(text: str, params: Mapping[str, object] | None = None) -> str:
    """What ``phrased`` reads in the words Tandem is written in (the audit log's data, the logs)."""
    with translation.override(None):
        return phrased(text, params)


def language_choices(none_label: str | Promise) -> list[tuple[str, str | Promise]]:
    """The languages Tandem speaks, each named in itself ("Nederlands"), after ``none_label``."""
    named = [
        (code, translation.get_language_info(code)["name_local"].capitalize())
        for code, _ in settings.LANGUAGES
    ]
    return [("", none_label), *named]


def language_for(user: object = None, organization: object = None) -> str:
    """The language to write to a person in (e-mails): their own choice, else the organisation's
    default, else the installation's."""
    return getattr(user, "language", "") or getattr(organization, "language", "") or settings.LANGUAGE_CODE


# The POSIX locale variables, strongest first: GNU's LANGUAGE list, then LC_ALL, LC_MESSAGES, LANG.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def terminal_language(environ: Mapping[str, str] | None = None) -> str:
    """The language Tandem's commands speak: the terminal's locale (``LANG=nl_NL.UTF-8`` → nl),
    the first of its variables that names a language Tandem speaks; else the installation's."""
    environ = os.environ if environ is None else environ
    for variable in LOCALE_VARIABLES:
        for locale in environ.get(variable, "").split(":"):
            name = locale.partition(".")[0].partition("@")[0]
            if name in ("", "C", "POSIX"):
                continue
            try:
                return translation.get_supported_language_variant(translation.to_language(name))
            except LookupError:
                continue
    return settings.LANGUAGE_CODE
