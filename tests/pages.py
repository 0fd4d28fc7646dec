import html
import re


def page_text(response) -> str:
    """What a reader sees: the page's text without tags, entities decoded, white space folded."""
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    text = html.unescape(re.sub(r"<[^>]+>", " ", body)).replace("\xa0", " ")
    text = re.sub(r"\s+", " ", text)
    return re.sub(r" ([.,;:)])", r"\1", text)
