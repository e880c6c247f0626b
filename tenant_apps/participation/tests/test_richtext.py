"""Rich text is cleaned on input: formatting stays, anything that could run or track goes (no database)."""

import pytest

from tenant_apps.participation.richtext import html_clean, html_is_empty, plain_text, unaccent


def test_scripts_event_handlers_and_javascript_links_are_removed_formatting_is_kept():
    dirty = ('<p onclick="steal()">Une <strong>idée</strong> <em>simple</em> <u>ici</u>'
             '<script>alert("x")</script><img src="x" onerror="alert(1)">'
             '<a href="javascript:alert(1)">piège</a> <a href="https://ville.fr/plan">plan</a></p>'
             '<ul><li>un</li></ul><h2>Titre</h2><blockquote>cité</blockquote>'
             '<style>body{display:none}</style><iframe src="https://pub.example"></iframe>')

    clean = html_clean(dirty)

    for gone in ("script", "alert", "onclick", "onerror", "<img", "javascript:", "<style", "display:none", "iframe"):
        assert gone not in clean
    for kept in ("<strong>idée</strong>", "<em>simple</em>", "<u>ici</u>", "<li>un</li>", "<h2>Titre</h2>",
                 "<blockquote>cité</blockquote>", ">piège</a>"):
        assert kept in clean
    assert '<a href="https://ville.fr/plan" rel="nofollow noopener noreferrer ugc">plan</a>' in clean


@pytest.mark.parametrize("href", ["JaVaScRiPt:alert(1)", " javascript:alert(1)", "data:text/html,<b>x</b>",
                                  "vbscript:msgbox(1)"])
def test_links_keep_only_safe_schemes(href):
    assert "href" not in html_clean(f'<p><a href="{href}">lien</a></p>')


def test_mailto_links_and_link_titles_are_kept():
    clean = html_clean('<a href="mailto:mairie@ville.fr" title="Écrire" style="color:red">écrire</a>')
    assert 'href="mailto:mairie@ville.fr"' in clean and 'title="Écrire"' in clean and "style" not in clean


def test_plain_text_keeps_its_paragraphs_and_line_breaks():
    assert html_clean("Ligne 1\nLigne 2\n\nParagraphe 2") == "<p>Ligne 1<br>Ligne 2</p>\n\n<p>Paragraphe 2</p>"
    # A "<" in plain text is not taken for HTML, and is escaped.
    assert html_clean("Trottoir < 1 m\n\nMerci <3") == "<p>Trottoir &lt; 1 m</p>\n\n<p>Merci &lt;3</p>"


def test_empty_rich_text():
    assert html_clean("   ") == "" and html_clean(None) == ""
    assert html_is_empty("<p> </p><br><p>&nbsp;</p>")
    assert html_is_empty(html_clean("<script>alert(1)</script>"))
    assert not html_is_empty("<p>x</p>")


def test_plain_text_separates_words_of_separate_lines_and_reads_entities():
    assert plain_text(html_clean("vélo\npiste\n\ncyclable")) == "vélo piste cyclable"
    assert plain_text("<ul><li>un</li><li>deux</li></ul><p>Tom &amp; Jerry</p>") == "un deux Tom & Jerry"
    assert plain_text("<p>vé<strong>lo</strong></p>") == "vélo"


def test_unaccent():
    assert unaccent("Élection à Saint-Étienne, ça œuvre") == "Election a Saint-Etienne, ca œuvre"
