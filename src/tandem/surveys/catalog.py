"""The survey templates that ship with Tandem, as plain data. No Django.

Likert items are statements ("IT is involved early ...") rated from "Strongly disagree" (1) to
"Strongly agree" (5), so that business and IT staff answer the same words and their answers can be
compared. Scores run from 0 to 10.
"""

from __future__ import annotations

from dataclasses import dataclass


def gettext_noop(text: str) -> str:
    """Marks shipped text for the translation catalogues (``make messages``): stored as written, in
    English; the pages translate it where they show it (``surveys.labels.shipped``)."""
    return text


KINDS = ("likert", "score", "single", "multiple", "text")
LIKERT_LABELS = (
    gettext_noop("Strongly disagree"),
    gettext_noop("Disagree"),
    gettext_noop("Neither agree nor disagree"),
    gettext_noop("Agree"),
    gettext_noop("Strongly agree"),
)


@dataclass(frozen=True)
class QuestionSpec:
    kind: str  # one of KINDS: "likert" (1-5), "score" (0-10), "single", "multiple", "text"
    text: str
    help_text: str = ""
    criterion: str = ""  # the maturity criterion an attribute belongs to; "" in other templates
    choices: tuple[str, ...] = ()  # for single/multiple only
    required: bool = True


@dataclass(frozen=True)
class TemplateSpec:
    key: str
    name: str
    description: str
    questions: tuple[QuestionSpec, ...]


def _likert(text: str, help_text: str = "") -> QuestionSpec:
    return QuestionSpec(kind="likert", text=text, help_text=help_text)


def _attribute(criterion: str, text: str, help_text: str) -> QuestionSpec:
    return QuestionSpec(kind="likert", text=text, help_text=help_text, criterion=criterion)


PARTNERSHIP = TemplateSpec(
    key="partnership",
    name=gettext_noop("Partnership temperature"),
    description=(
        gettext_noop(
            "A short pulse on how IT and the business experience working together, asked of both sides. "
            "Run it every quarter or after a major change to see where the two views differ."
        )
    ),
    questions=(
        _likert(gettext_noop("IT is treated as an equal partner, not as a supplier of services.")),
        _likert(
            gettext_noop("IT is involved early, before a solution has been chosen."),
            gettext_noop(
                "Think of recent initiatives: was IT asked about the problem, or only about the chosen solution?"
            ),
        ),
        _likert(gettext_noop("The business trusts IT to deliver what it commits to.")),
        _likert(gettext_noop("The business trusts IT's judgement on technology choices.")),
        _likert(gettext_noop("IT understands what the business needs to achieve.")),
        _likert(gettext_noop("Communication between IT and the business works in both directions.")),
        _likert(gettext_noop("Decisions that affect both IT and the business are made together.")),
        _likert(gettext_noop("IT and the business work to the same priorities.")),
        _likert(
            gettext_noop("The business understands IT's constraints."),
            gettext_noop(
                "For example cost, security, risk, capacity and the effort needed to keep existing systems running."
            ),
        ),
        QuestionSpec(
            kind="text",
            text=gettext_noop("What one change would most improve how IT and the business work together?"),
            required=False,
        ),
    ),
)

COMMUNICATIONS = gettext_noop("Communications")
VALUE = gettext_noop("Value measurement")
GOVERNANCE = gettext_noop("Governance")
PARTNERSHIP_CRITERION = gettext_noop("Partnership")
SCOPE = gettext_noop("Scope and architecture")
SKILLS = gettext_noop("Skills")
MATURITY_CRITERIA = (COMMUNICATIONS, VALUE, GOVERNANCE, PARTNERSHIP_CRITERION, SCOPE, SKILLS)

MATURITY = TemplateSpec(
    key="maturity",
    name=gettext_noop("Alignment maturity"),
    description=(
        gettext_noop(
            "A self-assessment over the six criteria of Luftman's strategic alignment maturity model, for "
            "business and IT leaders once or twice a year. A criterion's level is the mean of its "
            "attributes and the overall level the mean of the criteria, from 1 (initial) to 5 (optimised)."
        )
    ),
    questions=(
        _attribute(
            COMMUNICATIONS,
            gettext_noop("IT understands how the business works and what drives it."),
            gettext_noop(
                "1 = IT knows little of the business beyond the requests it receives; "
                "5 = IT staff understand the business's customers, processes and goals as well as business staff do."
            ),
        ),
        _attribute(
            COMMUNICATIONS,
            gettext_noop("The business understands what IT does and what it can offer."),
            gettext_noop(
                "1 = the business sees IT as a black box; "
                "5 = business leaders understand IT's capabilities, costs and limits and use them in their plans."
            ),
        ),
        _attribute(
            COMMUNICATIONS,
            gettext_noop("Business and IT share knowledge and learn from each other."),
            gettext_noop(
                "1 = business and IT rarely talk outside projects; "
                "5 = knowledge flows freely through regular formal and informal exchange across the organisation."
            ),
        ),
        _attribute(
            COMMUNICATIONS,
            gettext_noop("Contact between business and IT is direct and effective."),
            gettext_noop(
                "1 = contact runs only through formal requests or a single gatekeeper; "
                "5 = people talk directly, and liaison roles, where they exist, connect rather than filter."
            ),
        ),
        _attribute(
            VALUE,
            gettext_noop("IT measures its contribution in business terms, not only technical ones."),
            gettext_noop(
                "1 = IT reports only technical figures such as uptime, tickets and cost; "
                "5 = IT reports its effect on business results such as revenue, cost to serve or customer satisfaction."
            ),
        ),
        _attribute(
            VALUE,
            gettext_noop("Business and IT use a balanced set of measures that they agreed together."),
            gettext_noop(
                "1 = each side measures its own things separately; "
                "5 = a jointly agreed scorecard links IT measures to business results and is reviewed together."
            ),
        ),
        _attribute(
            VALUE,
            gettext_noop("Service levels are agreed with the business, monitored and reviewed."),
            gettext_noop(
                "1 = there are no agreed service levels; "
                "5 = service levels are agreed for every important service, reported openly and improved over time."
            ),
        ),
        _attribute(
            VALUE,
            gettext_noop(
                "We check whether investments delivered their expected benefits and act on what we learn."
            ),
            gettext_noop(
                "1 = investments are rarely reviewed once delivered; "
                "5 = benefits are reviewed routinely, compared with other organisations, and the lessons shape "
                "the next decisions."
            ),
        ),
        _attribute(
            GOVERNANCE,
            gettext_noop("Business and IT plan strategy together."),
            gettext_noop(
                "1 = IT plans separately, after business plans are set, or not at all; "
                "5 = business and IT strategy are developed together, including with key partners."
            ),
        ),
        _attribute(
            GOVERNANCE,
            gettext_noop("IT spending is managed as an investment, not only as a cost to control."),
            gettext_noop(
                "1 = IT is a cost centre whose budget is cut or held flat; "
                "5 = IT spending is managed as a portfolio of investments judged on business value."
            ),
        ),
        _attribute(
            GOVERNANCE,
            gettext_noop(
                "Business and IT leaders decide together in an effective joint forum, such as a steering committee."
            ),
            gettext_noop(
                "1 = no such forum exists, or it rarely meets; "
                "5 = the forum meets regularly, has clear authority, and its decisions hold."
            ),
        ),
        _attribute(
            GOVERNANCE,
            gettext_noop("Work is prioritised by a clear process that business and IT both accept."),
            gettext_noop(
                "1 = priorities are set ad hoc or by whoever pushes hardest; "
                "5 = a transparent, shared process ranks work by value and is applied consistently."
            ),
        ),
        _attribute(
            PARTNERSHIP_CRITERION,
            gettext_noop("The business sees IT as a partner that creates value."),
            gettext_noop(
                "1 = IT is seen as a cost of doing business; "
                "5 = IT is seen as a partner that helps the organisation compete and grow."
            ),
        ),
        _attribute(
            PARTNERSHIP_CRITERION,
            gettext_noop("IT takes part in the organisation's strategic business planning."),
            gettext_noop(
                "1 = IT hears about business plans once they are decided; "
                "5 = IT helps shape business strategy from the start."
            ),
        ),
        _attribute(
            PARTNERSHIP_CRITERION,
            gettext_noop("Business and IT share the risks and rewards of initiatives that depend on IT."),
            gettext_noop(
                "1 = IT takes the blame when things go wrong and little credit when they go well; "
                "5 = both sides are jointly accountable for the outcome, good or bad."
            ),
        ),
        _attribute(
            PARTNERSHIP_CRITERION,
            gettext_noop("Initiatives that depend on IT have active business sponsors."),
            gettext_noop(
                "1 = sponsorship is missing or in name only; "
                "5 = senior business sponsors champion the initiative and stay involved until the benefits arrive."
            ),
        ),
        _attribute(
            SCOPE,
            gettext_noop("IT does more than run back-office systems: it enables and drives business change."),
            gettext_noop(
                "1 = IT runs traditional back-office and transaction systems; "
                "5 = IT drives new processes and business models and reaches customers and partners."
            ),
        ),
        _attribute(
            SCOPE,
            gettext_noop("Technology standards are defined and followed across the organisation."),
            gettext_noop(
                "1 = standards are missing or differ from department to department; "
                "5 = standards are agreed across the organisation and with key partners, and are followed."
            ),
        ),
        _attribute(
            SCOPE,
            gettext_noop("Our systems are integrated and work well together."),
            gettext_noop(
                "1 = systems stand alone and data is re-keyed between them; "
                "5 = systems are integrated across the organisation and with partners, and data flows where needed."
            ),
        ),
        _attribute(
            SCOPE,
            gettext_noop("Our technology can adapt quickly to new business needs and new technologies."),
            gettext_noop(
                "1 = every change is slow, costly and risky; "
                "5 = the architecture is flexible, and new technologies are assessed and adopted in a managed way."
            ),
        ),
        _attribute(
            SKILLS,
            gettext_noop("Innovation and initiative are encouraged in both business and IT."),
            gettext_noop(
                "1 = new ideas are discouraged or ignored; "
                "5 = people are expected to propose and try new ideas and are recognised for doing so."
            ),
        ),
        _attribute(
            SKILLS,
            gettext_noop("People in business and IT are ready for change and adapt to it well."),
            gettext_noop(
                "1 = change is resisted and often stalls; "
                "5 = people expect change and learn new ways of working quickly."
            ),
        ),
        _attribute(
            SKILLS,
            gettext_noop("People move between business and IT roles and learn about each other's work."),
            gettext_noop(
                "1 = there is no job rotation or cross-training; "
                "5 = rotation, cross-training and shared learning between business and IT are normal practice."
            ),
        ),
        _attribute(
            SKILLS,
            gettext_noop(
                "The organisation attracts, develops and keeps the business and IT people it needs."
            ),
            gettext_noop(
                "1 = hiring and keeping skilled people is hard and unplanned; "
                "5 = a deliberate programme attracts, develops and retains the right people on both sides."
            ),
        ),
    ),
)

STRATEGY = TemplateSpec(
    key="strategy",
    name=gettext_noop("Strategy understanding"),
    description=(
        gettext_noop(
            "Checks whether people can state the strategy in their own words. Use it after the yearly "
            "planning round, and compare the answers with the strategy as written."
        )
    ),
    questions=(
        QuestionSpec(
            kind="text",
            text=gettext_noop("In one or two sentences, what is our strategy for the coming year?"),
        ),
        QuestionSpec(
            kind="text",
            text=gettext_noop("Which three goals matter most?"),
            help_text=gettext_noop("List them in order of importance, one per line."),
        ),
    ),
)

DIGITAL = TemplateSpec(
    key="digital",
    name=gettext_noop("Digital strategy"),
    description=(
        gettext_noop(
            "Gathers views on the market, partners, customer data and the digital course. Use it when "
            "preparing or reviewing the digital strategy."
        )
    ),
    questions=(
        QuestionSpec(
            kind="text",
            text=gettext_noop("What are our competitors doing digitally?"),
            help_text=gettext_noop(
                "For example new digital products, online channels, automation or use of data."
            ),
        ),
        QuestionSpec(
            kind="multiple",
            text=gettext_noop("Whom do we work with on digital and technology?"),
            help_text=gettext_noop("Select all that apply."),
            choices=(
                gettext_noop("Cloud providers"),
                gettext_noop("Software vendors"),
                gettext_noop("System integrators"),
                gettext_noop("Consultancies"),
                gettext_noop("Start-ups"),
                gettext_noop("Universities"),
                gettext_noop("None"),
            ),
        ),
        QuestionSpec(
            kind="single",
            text=gettext_noop(
                "What should happen with the data our customers generate when they use our services?"
            ),
            choices=(
                gettext_noop("Use it only to run the service"),
                gettext_noop("Use it to improve our products"),
                gettext_noop("Share or sell it with consent"),
                gettext_noop("Don't know"),
            ),
        ),
        QuestionSpec(kind="text", text=gettext_noop("What are our most important digital objectives?")),
        _likert(gettext_noop("Everyone in the organisation knows our digital course.")),
        _likert(gettext_noop("IT and the business are steering the same course.")),
        QuestionSpec(
            kind="score",
            text=gettext_noop("How clear is our digital strategy to you?"),
            help_text=gettext_noop("0 = not clear at all; 10 = completely clear."),
        ),
    ),
)

END_USER = TemplateSpec(
    key="end_user",
    name=gettext_noop("End-user feedback on IT services"),
    description=(
        gettext_noop(
            "Asks the people who use IT's services how well those services work for them. Use it once or "
            "twice a year, or after a major change to a service."
        )
    ),
    questions=(
        QuestionSpec(
            kind="score",
            text=gettext_noop("How likely are you to recommend our IT services to a colleague?"),
            help_text=gettext_noop("0 = not at all likely; 10 = extremely likely."),
        ),
        _likert(gettext_noop("The systems I use are reliable.")),
        _likert(gettext_noop("The service desk responds quickly when I ask for help.")),
        _likert(gettext_noop("The help I get from IT solves my problem.")),
        _likert(gettext_noop("The tools IT provides fit the way I work.")),
        _likert(gettext_noop("I am kept informed about changes to IT services that affect me.")),
        QuestionSpec(
            kind="single",
            text=gettext_noop("Which service do you use most?"),
            choices=(
                gettext_noop("Service desk"),
                gettext_noop("Laptop and devices"),
                gettext_noop("Business applications"),
                gettext_noop("Collaboration tools"),
                gettext_noop("Data and reports"),
            ),
        ),
        QuestionSpec(kind="text", text=gettext_noop("What should IT improve first?"), required=False),
    ),
)

SHIPPED: tuple[TemplateSpec, ...] = (PARTNERSHIP, MATURITY, STRATEGY, DIGITAL, END_USER)
_BY_KEY = {template.key: template for template in SHIPPED}


def shipped(key: str) -> TemplateSpec:
    """The shipped template with this key; raises KeyError if there is none."""
    try:
        return _BY_KEY[key]
    except KeyError:
        raise KeyError(f"No shipped survey template {key!r}.") from None
