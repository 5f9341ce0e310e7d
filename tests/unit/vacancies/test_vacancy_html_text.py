from __future__ import annotations

from services.vacancies.domain.html_text import html_to_text


class TestHtmlToText:
    def test_paragraphs_stay_separate_and_list_items_become_dash_lines(self) -> None:
        html = "<p>Wij zoeken een kok.</p><p>Wij bieden:</p><ul><li>32 uur</li><li>Goede CAO</li></ul>"
        assert html_to_text(html) == "Wij zoeken een kok.\n\nWij bieden:\n\n- 32 uur\n- Goede CAO"

    def test_scripts_styles_and_tags_disappear(self) -> None:
        text = html_to_text("<style>p{}</style><p onclick='x()'>Hallo <b>wereld</b></p><script>alert(1)</script>")
        assert text == "Hallo wereld"

    def test_entities_are_decoded(self) -> None:
        assert html_to_text("<p>Zorg &amp; welzijn &eacute;n meer</p>") == "Zorg & welzijn én meer"

    def test_line_breaks_become_new_lines(self) -> None:
        assert html_to_text("Groet<br>Team<br/>HR") == "Groet\nTeam\nHR"

    def test_plain_text_keeps_its_paragraphs(self) -> None:
        assert html_to_text("Eerste alinea\n\n\n\nTweede   alinea & meer") == "Eerste alinea\n\nTweede alinea & meer"
