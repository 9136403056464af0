"""`@username` in rendered markdown links known names only, never inside code, links or e-mail
addresses, and the output stays sanitised."""

from specs_app.services.render import markdown_to_safe_html

MENTIONS = {"bob": "/w/acme/members/#member-bob", "dave.k": "/w/acme/members/#member-dave.k"}


def _link(name: str) -> str:
    return f'<a class="mention" href="{MENTIONS[name]}">@{name}</a>'


def test_known_names_link_unknown_stay_text():
    html = markdown_to_safe_html("Hi @bob and @zoe, ask @dave.k.", mentions=MENTIONS)
    assert html == f"<p>Hi {_link('bob')} and @zoe, ask {_link('dave.k')}.</p>"


def test_without_mentions_nothing_links():
    assert markdown_to_safe_html("Hi @bob") == "<p>Hi @bob</p>"
    assert markdown_to_safe_html("Hi @bob", mentions={}) == "<p>Hi @bob</p>"


def test_code_spans_and_blocks_are_left_alone():
    text = "Use `@bob` here\n\n```\n@bob in a block\n```\n\n    @bob indented\n\nbut @bob"
    html = markdown_to_safe_html(text, mentions=MENTIONS)
    assert "<code>@bob</code>" in html and "@bob in a block" in html
    assert "@bob indented" in html
    assert html.count('class="mention"') == 1 and html.endswith(f"<p>but {_link('bob')}</p>")


def test_email_addresses_and_links_are_left_alone():
    text = (
        "Mail bob@bob.com or x@bob, see [@bob](https://example.com/@bob) and <https://e.com/@bob>"
    )
    html = markdown_to_safe_html(text, mentions=MENTIONS)
    assert 'class="mention"' not in html
    assert "bob@bob.com" in html and 'href="https://example.com/@bob"' in html


def test_output_stays_sanitised():
    text = '<script>alert("@bob")</script> @bob <img src=x onerror="alert(1)"> **@bob**'
    html = markdown_to_safe_html(text, mentions=MENTIONS)
    assert "<script" not in html and "onerror" not in html and "<img" not in html
    assert html.count('class="mention"') == 2 and f"<strong>{_link('bob')}</strong>" in html


def test_a_hostile_url_is_escaped():
    html = markdown_to_safe_html("@bob", mentions={"bob": '/x"><script>alert(1)</script>'})
    assert "<script>" not in html
    assert 'href="/x&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"' in html


def test_the_plain_rendering_is_cached_apart_from_the_links():
    plain = markdown_to_safe_html("Hi @bob")
    linked = markdown_to_safe_html("Hi @bob", mentions=MENTIONS)
    assert plain == "<p>Hi @bob</p>" and linked == f"<p>Hi {_link('bob')}</p>"
    assert markdown_to_safe_html("Hi @bob") == plain
