"""Reads one reply email (file path argument) with Python's own `email` package and prints the
reply's plain text as JSON: {"type": "text/plain" or "text/html", "text": "..."}.

The body is get_body(preferencelist=("plain", "html")). A format=flowed text/plain part is
unflowed (RFC 3676: soft line breaks joined, space-stuffing removed, delsp honoured). An HTML
body becomes text the simple way: tags dropped, <br> ends a line, a block element's edge ends
a line that has text, and each line inside a <blockquote> starts with "> " (one per level).
Line endings are "\n".

The tests feed this text to ReplyText: an independent reading of the corpus, not MailKit's."""
import email
import email.policy
import json
import re
import sys
from html.parser import HTMLParser

BLOCKS = {"p", "div", "br", "tr", "li", "ul", "ol", "table", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
          "blockquote", "pre"}
HIDDEN = {"head", "style", "script", "title"}


class HTMLText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0      # blockquote nesting
        self.hidden = 0     # inside <head>, <style>, …
        self.lines = [[0, ""]]

    def newline(self, hard):
        """<br> always ends the line; a block's edge only ends a line that has text."""
        if hard or self.lines[-1][1].strip(" "):
            self.lines.append([self.depth, ""])
        else:
            self.lines[-1][0] = self.depth

    def handle_starttag(self, tag, attrs):
        if tag in HIDDEN:
            self.hidden += 1
        if tag == "blockquote":
            self.newline(False)
            self.depth += 1
            self.lines[-1][0] = self.depth
        elif tag in BLOCKS:
            self.newline(tag == "br")
        elif tag in ("td", "th") and self.lines[-1][1]:
            self.lines[-1][1] += " "

    def handle_endtag(self, tag):
        if tag in HIDDEN:
            self.hidden = max(0, self.hidden - 1)
        if tag == "blockquote":
            self.newline(False)
            self.depth = max(0, self.depth - 1)
            self.lines[-1][0] = self.depth
        elif tag in BLOCKS and tag != "br":
            self.newline(False)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self.hidden:
            return
        line = self.lines[-1]
        if not line[1]:
            line[0] = self.depth
        # HTML whitespace collapses; a no-break space is text and stays.
        line[1] += re.sub(r"[ \t\r\n\f]+", " ", data)

    def text(self):
        out = []
        for depth, text in self.lines:
            text = text.strip(" ")
            out.append(("> " * depth + text).rstrip(" ") if depth else text)
        # Consecutive empty lines from nested blocks are one paragraph break.
        return re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip("\n")


def unflow(text, delsp):
    """RFC 3676: joins each soft line break (a line ending in a space, not the signature line)."""
    out = []
    pending = None  # (depth, text) of a paragraph still open
    for raw in text.split("\n"):
        depth = len(raw) - len(raw.lstrip(">"))
        line = raw[depth:]
        if line.startswith(" "):
            line = line[1:]
        if pending is not None and pending[0] != depth:
            out.append(pending)
            pending = None
        flowed = line.endswith(" ") and line != "-- "
        if flowed and delsp:
            line = line[:-1]
        if pending is None:
            pending = (depth, line)
        else:
            pending = (depth, pending[1] + line)
        if not flowed:
            out.append(pending)
            pending = None
    if pending is not None:
        out.append(pending)
    return "\n".join((">" * depth + " " + line) if depth else line for depth, line in out)


with open(sys.argv[1], "rb") as handle:
    message = email.message_from_binary_file(handle, policy=email.policy.default)
body = message.get_body(preferencelist=("plain", "html"))
if body is None:
    sys.exit("the email has no text/plain or text/html body")
content = body.get_content().replace("\r\n", "\n").replace("\r", "\n")
if body.get_content_type() == "text/html":
    parser = HTMLText()
    parser.feed(content)
    parser.close()
    content = parser.text()
elif body.get_param("format", "").lower() == "flowed":
    content = unflow(content, body.get_param("delsp", "").lower() == "yes")
json.dump({"type": body.get_content_type(), "text": content}, sys.stdout, ensure_ascii=True)
