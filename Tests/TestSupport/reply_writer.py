"""Writes a reply to a relayed email as a mail client would, with Python's own `email` package.

    reply_writer.py RELAYED.eml OUT.eml --from ADDRESS --text TEXT [--to ADDRESS] [--html]

Reads the relayed email, answers its Reply-To (or --to) with Subject "Re: …", In-Reply-To and
References set to its Message-ID, a new Message-ID, and a body that is TEXT, a "-- " signature,
and the original quoted below an "On …, … wrote:" line, as Thunderbird and Gmail write it.
With --html the reply is multipart/alternative with an HTML part quoting the original in a
<blockquote>. Prints JSON: {"message_id", "to", "in_reply_to"}."""
import argparse
import email
import email.policy
import email.utils
import html
import json

parser = argparse.ArgumentParser()
parser.add_argument("relayed")
parser.add_argument("out")
parser.add_argument("--from", dest="sender", required=True)
parser.add_argument("--text", required=True)
parser.add_argument("--to")
parser.add_argument("--html", action="store_true")
args = parser.parse_args()

with open(args.relayed, "rb") as handle:
    original = email.message_from_binary_file(handle, policy=email.policy.default)
body = original.get_body(preferencelist=("plain",))
original_text = body.get_content() if body is not None else ""

reply = email.message.EmailMessage(policy=email.policy.SMTP)
reply["From"] = args.sender
reply["To"] = args.to or str(original["Reply-To"])
reply["Subject"] = "Re: " + str(original["Subject"])
reply["Date"] = email.utils.formatdate(localtime=False)
reply["Message-ID"] = email.utils.make_msgid(domain="mail.example.com")
reply["In-Reply-To"] = original["Message-ID"]
reply["References"] = original["Message-ID"]

attribution = f"On {original['Date']}, {original['From']} wrote:"
quoted = "\n".join("> " + line if line else ">" for line in original_text.splitlines())
plain = f"{args.text}\n\n-- \nAnn Example\nExample Corp\n\n{attribution}\n{quoted}\n"
reply.set_content(plain)
if args.html:
    lines = "<br>".join(html.escape(line) for line in original_text.splitlines())
    reply.add_alternative(
        f"<html><body><div>{html.escape(args.text)}</div><div>-- <br>Ann Example</div>"
        f"<div>{html.escape(attribution)}</div><blockquote>{lines}</blockquote></body></html>",
        subtype="html")

with open(args.out, "wb") as handle:
    handle.write(reply.as_bytes())
print(json.dumps({"message_id": reply["Message-ID"], "to": reply["To"], "in_reply_to": reply["In-Reply-To"]}))
