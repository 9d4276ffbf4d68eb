"""Make untrusted text inert in a Hugo site: no shortcode runs, nothing reads as an HTML tag.

Hugo expands ``{{< … >}}`` and ``{{% … %}}`` in a page's raw content before Markdown is rendered,
in code spans and image alt text too, so a Markdown backslash cannot stop it there. A zero-width
space between the braces and the delimiter breaks the syntax everywhere and reads the same.
"""

from __future__ import annotations

import re

ZERO_WIDTH_SPACE = "\u200b"
_SHORTCODE_OPEN = re.compile(r"\{\{(?=[<%])")
_TAG_OPEN = re.compile(r"<(?=[A-Za-z/!?])")


def defuse_shortcodes(text: str) -> str:
    """``text`` with every shortcode opening (``{{<``, ``{{%``) broken by a zero-width space."""
    return _SHORTCODE_OPEN.sub("{{" + ZERO_WIDTH_SPACE, text)


def defuse_code(text: str) -> str:
    """Literal text (code spans and blocks, where escapes show): no shortcode and no tag opening."""
    return _TAG_OPEN.sub("<" + ZERO_WIDTH_SPACE, defuse_shortcodes(text))


def escape_inline_text(text: str) -> str:
    """Markdown inline text that renders as itself and can form no tag, link or shortcode.

    Backslashes are doubled, so none can undo an escape; ``<`` becomes ``&lt;`` (a backslash
    escape would leave ``<script>`` in the file for any reader that is not a Markdown renderer);
    brackets are escaped, so no ``[text](javascript:…)`` link can be formed from page text.
    """
    text = text.replace("\\", "\\\\").replace("<", "&lt;").replace("[", r"\[").replace("]", r"\]")
    return defuse_shortcodes(text)
