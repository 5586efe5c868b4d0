"""``{% orgcache "name" vary... %}…{% endorgcache %}``: a fragment rendered once per version of the
organisation's data (``tandem.core.cache``), in this process's memory, so reading a page writes
nothing and a write is never followed by a stale fragment.

The key holds the name, the ``vary`` values, the organisation, its data version and the active
language. What differs between people (their role's rights, their own id) must be among the
``vary`` values, and a fragment must hold no form that carries a CSRF token. Only GET requests
use the cache.
"""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

from tandem.core.cache import org_cached

register = template.Library()


class OrgCacheNode(template.Node):
    def __init__(self, nodelist: NodeList, name: FilterExpression, vary: list[FilterExpression]) -> None:
        self.nodelist, self.name, self.vary = nodelist, name, vary

    def render(self, context: Any) -> SafeString:
        request = context.get("request")
        org = getattr(request, "org", None)
        # Outside an organisation there is nothing to key on; a page answering a POST shows that
        # POST's input and errors, never a fragment drawn for someone else's GET.
        if org is None or request.method != "GET":
            return mark_safe(self.nodelist.render(context))  # noqa: S308 (rendered template output)
        parts = tuple(str(value.resolve(context)) for value in self.vary)
        name = f"fragment:{self.name.resolve(context)}"
        html = org_cached(org, name, lambda: self.nodelist.render(context), get_language(), *parts)
        return mark_safe(html)  # noqa: S308 (rendered template output)


@register.tag("orgcache")
def do_orgcache(parser: Parser, token: Token) -> OrgCacheNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("orgcache needs a fragment name")
    nodelist = parser.parse(("endorgcache",))
    parser.delete_first_token()
    return OrgCacheNode(
        nodelist, parser.compile_filter(bits[1]), [parser.compile_filter(b) for b in bits[2:]]
    )
