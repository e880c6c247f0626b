"""The evaluation of an edition as a PDF report, drawn with fpdf2's core fonts (no font file to ship).

Core fonts know the Windows-1252 characters only: "€", "œ", "’", « » and accented letters print; the
narrow no-break space of French amounts becomes a plain space, and any other character is replaced
by its closest unaccented form (or "?") rather than failing the download.
"""

import unicodedata

from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from fpdf import FPDF

from tenant_apps.budgets.common import money
from tenant_apps.budgets.evaluation import Evaluation

ENCODING = "windows-1252"
_REPLACEMENTS = {"\u202f": " ", "\u00a0": " ", "\u2009": " ", "\u2011": "-", "\u2212": "-", "\u2192": "->",
                 "\u2264": "<=", "\u2265": ">=", "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "ı": "i"}


def pdf_text(value) -> str:
    """`value` as text the core fonts can print (see the module's docstring)."""
    out = []
    for char in str(value if value is not None else ""):
        char = _REPLACEMENTS.get(char, char)
        try:
            char.encode(ENCODING)
        except UnicodeEncodeError:
            decomposed = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
            try:
                decomposed.encode(ENCODING)
            except UnicodeEncodeError:
                decomposed = ""
            char = decomposed or "?"
        out.append(char)
    return "".join(out)


class _Report(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-15)
        self.set_font("helvetica", size=8)
        self.set_text_color(90, 90, 90)
        self.cell(0, 10, pdf_text(f"{self.footer_text} — {self.page_no()}/{{nb}}"), align="C")


def _percent(value) -> str:
    return "-" if value is None else f"{value} %"


def _date(value) -> str:
    return date_format(timezone.localtime(value), "j F Y") if value else "-"


class _Writer:
    def __init__(self, pdf: FPDF):
        self.pdf = pdf

    def heading(self, text: str, size: int = 14) -> None:
        pdf = self.pdf
        pdf.ln(3)
        pdf.set_font("helvetica", style="B", size=size)
        pdf.multi_cell(0, size * 0.5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
        pdf.set_font("helvetica", size=10)

    def paragraph(self, text: str) -> None:
        self.pdf.set_font("helvetica", size=10)
        self.pdf.multi_cell(0, 5, pdf_text(text), new_x="LMARGIN", new_y="NEXT")

    def table(self, headers: list[str], rows: list[list], widths: tuple[int, ...] | None = None) -> None:
        pdf = self.pdf
        pdf.set_font("helvetica", size=9)
        aligns = ["LEFT"] + ["RIGHT"] * (len(headers) - 1)
        with pdf.table(col_widths=widths, text_align=aligns, first_row_as_headings=True,
                       line_height=5.5) as table:
            row = table.row()
            for header in headers:
                row.cell(pdf_text(header))
            for values in rows:
                row = table.row()
                for value in values:
                    row.cell(pdf_text(value))
        pdf.ln(2)


def evaluation_pdf(evaluation: Evaluation, *, city_name: str, compress: bool = True) -> bytes:
    """The evaluation report of an edition, as the bytes of a PDF document."""
    edition = evaluation.edition
    process = edition.process
    pdf = _Report(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.compress = compress
    pdf.footer_text = pdf_text(f"{city_name} — {process.title}")
    pdf.set_title(pdf_text(_("Evaluation of %(edition)s") % {"edition": process.title}))
    pdf.set_author(pdf_text(city_name))
    pdf.set_creator("Parvis")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    out = _Writer(pdf)

    pdf.set_font("helvetica", size=11)
    pdf.cell(0, 6, pdf_text(city_name), new_x="LMARGIN", new_y="NEXT")
    out.heading(_("Participatory budget: evaluation of “%(edition)s”") % {"edition": process.title}, size=18)
    out.paragraph(_("Report produced on %(date)s.") % {"date": date_format(timezone.localdate(), "j F Y")})

    figures = evaluation.key_figures
    out.heading(_("Key figures"))
    out.table([_("Figure"), _("Value")], [
        [_("Envelope"), money(figures["envelope"])],
        [_("Ideas submitted"), figures["ideas"]],
        [_("Projects on the ballot"), figures["on_ballot"]],
        [_("Voters"), figures["voters"]],
        [_("Ballots"), figures["ballots"]],
        [_("Winning projects"), figures["winners"]],
        [_("Cost of the winning projects"), money(figures["winners_cost"])],
        [_("Projects delivered"), figures["delivered"]],
        [_("Money spent so far"), money(figures["spent"])],
    ], widths=(3, 2))

    turnout = evaluation.turnout
    out.heading(_("Turnout"))
    if turnout["rate"] is not None:
        out.paragraph(_("%(voters)s voters for %(population)s inhabitants: %(rate)s %%.") % {
            "voters": turnout["voters"], "population": turnout["population"], "rate": turnout["rate"]})
    out.table([_("Budget"), _("Votes")], [[row["label"], row["marks"]] for row in turnout["by_budget"]],
              widths=(3, 1))
    if turnout["by_district"]:
        out.table([_("District"), _("Votes in its budget")],
                  [[row["label"], row["marks"]] for row in turnout["by_district"]], widths=(3, 1))
    out.table([_("Age range"), _("Voters")], [[row["label"], row["voters"]] for row in turnout["by_age"]],
              widths=(3, 1))
    out.table([_("Channel"), _("Votes")], [[row["label"], row["marks"]] for row in turnout["by_channel"]],
              widths=(3, 1))

    out.heading(_("From ideas to delivered projects"))
    out.table([_("Step"), _("Number")], [[step["label"], step["count"]] for step in evaluation.funnel],
              widths=(3, 1))

    out.heading(_("Comparison with the other editions"))
    out.table([_("Edition"), _("Start"), _("Ideas"), _("Voters"), _("Ballots"), _("Envelope"), _("Delivered")], [
        [row["title"] + (" *" if row["is_current"] else ""), _date(row["starts_at"]), row["ideas"], row["voters"],
         row["ballots"], money(row["envelope"]), _percent(row["delivered_percent"])]
        for row in evaluation.comparison
    ], widths=(5, 3, 2, 2, 2, 3, 2))
    out.paragraph(_("* this edition. “Delivered”: share of the winning projects delivered."))

    satisfaction = evaluation.satisfaction
    out.heading(_("Satisfaction survey"))
    if satisfaction["count"]:
        out.table([_("Figure"), _("Value")], [
            [_("Answers"), satisfaction["count"]],
            [_("Average score (out of 5)"), number_format(satisfaction["average"], 1)],
            [_("Would take part again"), _percent(satisfaction["again_percent"])],
        ], widths=(3, 2))
    else:
        out.paragraph(_("No answer yet."))

    out.heading(_("Projects delivered"))
    if evaluation.delivered:
        out.table([_("Project"), _("Budget"), _("Cost"), _("Spent")], [
            [project.title, project.budget.name if project.budget else "-", money(project.cost), money(project.spent)]
            for project in evaluation.delivered
        ], widths=(5, 3, 2, 2))
    else:
        out.paragraph(_("No project delivered yet."))
    return bytes(pdf.output())
