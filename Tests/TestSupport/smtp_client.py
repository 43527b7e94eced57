#!/usr/bin/env python3
"""A real SMTP client (Python's smtplib) for the tests of the SMTP receiver and the relay's replies.

Connects to 127.0.0.1:PORT, says EHLO as client.test, optionally STARTTLS (trusting only
--cafile), then MAIL FROM, each RCPT TO and DATA with the bytes of --message-file, and QUIT.
Prints one JSON object: each step's reply code and text, and the server's EHLO extensions. When
the server ends the conversation early (a refused DATA, a closed connection), the object has
"error": [code, text] and the steps so far.
"""

import argparse
import json
import smtplib
import ssl


def converse(client, arguments, message, report):
    code, text = client.ehlo()
    report["ehlo"] = [code, text.decode()]
    report["extensions"] = sorted(client.esmtp_features.keys())
    if arguments.starttls:
        context = ssl.create_default_context(cafile=arguments.cafile)
        code, text = client.starttls(context=context)
        report["starttls"] = [code, text.decode()]
        report["cipher"] = client.sock.cipher()[0]
        code, text = client.ehlo()
        report["ehlo_tls"] = [code, text.decode()]
        report["extensions_tls"] = sorted(client.esmtp_features.keys())
    code, text = client.mail(arguments.sender, arguments.mail_option)
    report["mail"] = [code, text.decode()]
    report["rcpt"] = []
    for recipient in arguments.recipient:
        code, text = client.rcpt(recipient)
        report["rcpt"].append([code, text.decode()])
    code, text = client.data(message)
    report["data"] = [code, text.decode()]
    code, text = client.quit()
    report["quit"] = [code, text.decode()]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--starttls", action="store_true")
    parser.add_argument("--cafile", help="the certificate to trust for STARTTLS")
    parser.add_argument("--sender", default="")
    parser.add_argument("--recipient", action="append", default=[])
    parser.add_argument("--message-file", required=True)
    parser.add_argument("--mail-option", action="append", default=[])
    arguments = parser.parse_args()

    with open(arguments.message_file, "rb") as file:
        message = file.read()
    report = {}
    client = smtplib.SMTP("127.0.0.1", arguments.port, local_hostname="client.test", timeout=30)
    try:
        converse(client, arguments, message, report)
    except smtplib.SMTPResponseException as error:
        report["error"] = [error.smtp_code, error.smtp_error.decode(errors="replace")]
    except smtplib.SMTPServerDisconnected as error:
        report["error"] = [0, str(error)]
    finally:
        client.close()
    print(json.dumps(report))


if __name__ == "__main__":
    main()
