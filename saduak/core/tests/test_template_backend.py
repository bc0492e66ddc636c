from django.template import engines
from django.template.loader import render_to_string
from django.utils.safestring import SafeString


def test_a_lone_surrogate_in_a_value_renders_as_the_replacement_character() -> None:
    template = engines["django"].from_string("<p>{{ name }}</p>")

    rendered = template.render({"name": "a\ud800b<"})

    assert rendered == "<p>a\ufffdb&lt;</p>"
    assert isinstance(rendered, SafeString)
    assert rendered.encode("utf-8")


def test_a_page_template_renders_a_stored_surrogate_replaced() -> None:
    page = render_to_string("errors/400.html", {"reason": "x\udfffy"})
    assert "x\ufffdy" in page
