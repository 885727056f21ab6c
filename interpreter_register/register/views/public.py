"""The public register: anyone may search it, no login; only consented data is shown."""

from flask import render_template, request

from ...core.arguments import list_arguments, paginate
from ...core.i18n import current_language
from ...core.phones import display_phone
from ...core.regions import Province, is_postcode, province_of
from ..forms import PublicSearchForm
from ..models import Modality, QualificationKind, Tier
from ..services.people import language_choices
from ..services.search import PublicSearch, matching_qualifications, public_search
from . import public_bp
from .common import page_context

PAGE_SIZE = 20


@public_bp.route("/public-register")
def search():
    form = PublicSearchForm(request.args, languages=language_choices(current_language()))
    # Without criteria the whole public register shows, page by page: a visitor sees at
    # once who is in it, and narrows down from there.
    searched = not request.args or form.validate()
    criteria = PublicSearch()
    if searched and request.args:
        province = Province(form.region.data) if form.region.data else None
        if form.postcode.data and is_postcode(form.postcode.data):
            province = province_of(form.postcode.data)
        criteria = PublicSearch(
            language=form.language.data or "", working_language=form.working_language.data or "",
            modality=Modality(form.modality.data) if form.modality.data else None,
            kind=QualificationKind(form.kind.data) if form.kind.data else None,
            province=province)
    page = paginate(public_search(criteria), per_page=PAGE_SIZE) if searched else None
    arguments = list_arguments()
    return render_template("public/search.html", form=form, page=page, criteria=criteria,
                           arguments=arguments, matching=matching_qualifications,
                           display_phone=display_phone, tiers=list(Tier), **page_context())
