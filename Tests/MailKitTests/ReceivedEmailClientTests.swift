import Foundation
import MailKit
import Testing

/// Replies as the common mail clients write them, read back to the text a person wrote.
@Suite("Received email from real clients")
struct ReceivedEmailClientTests {
    static let relayMessageID = "smsrelay.flowroute.mdr2-42@example.org"

    @Test("a Gmail reply: multipart/alternative with base64 UTF-8 text and quoted-printable HTML")
    func gmail() throws {
        let plain = """
            Sounds good — see you at 7! 👍\r
            \r
            On Mon, Nov 23, 2026 at 9:14 AM 15551234567 <relay@example.org> wrote:\r
            \r
            > Are we still on for dinner tonight?\r

            """
        let email = try ReceivedMessage.parse(
            """
            Delivered-To: relay@example.org
            Received: by 2002:a05:6a10:8b4f:b0:5c1:2f3e:77a1 with SMTP id z15csp1234567pxb;
                    Mon, 23 Nov 2026 01:14:03 -0800 (PST)
            MIME-Version: 1.0
            References: <\(Self.relayMessageID)>
            In-Reply-To: <\(Self.relayMessageID)>
            From: =?UTF-8?B?Wm/DqyDDnG5hbA==?= <zoe.unal@gmail.com>
            Date: Mon, 23 Nov 2026 10:14:02 +0100
            Message-ID: <CAH+w=7ZxQ1mYt3Kp9vC4+gJ8r2Lq@mail.gmail.com>
            Subject: Re: SMS from +1 555-123-4567
            To: 15551234567 <relay@example.org>
            Content-Type: multipart/alternative; boundary="000000000000a1b2c3d4e5f60718"

            --000000000000a1b2c3d4e5f60718
            Content-Type: text/plain; charset="UTF-8"
            Content-Transfer-Encoding: base64

            \(ReceivedMessage.base64Lines(Array(plain.utf8)))
            --000000000000a1b2c3d4e5f60718
            Content-Type: text/html; charset="UTF-8"
            Content-Transfer-Encoding: quoted-printable

            <div dir=3D"ltr">Sounds good =E2=80=94 see you at 7! =F0=9F=91=8D</div><br=
            ><div class=3D"gmail_quote"><div dir=3D"ltr" class=3D"gmail_attr">On Mon, N=
            ov 23, 2026 at 9:14 AM 15551234567 &lt;<a href=3D"mailto:relay@example.org"=
            >relay@example.org</a>&gt; wrote:<br></div><blockquote class=3D"gmail_quote=
            " style=3D"margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);=
            padding-left:1ex">Are we still on for dinner tonight?</blockquote></div>

            --000000000000a1b2c3d4e5f60718--

            """
        )
        #expect(email.subject == "Re: SMS from +1 555-123-4567")
        #expect(email.messageID == "CAH+w=7ZxQ1mYt3Kp9vC4+gJ8r2Lq@mail.gmail.com")
        #expect(email.inReplyTo == [Self.relayMessageID])
        #expect(email.references == [Self.relayMessageID])
        #expect(email.deliveredTo == ["relay@example.org"])
        #expect(email.from == [Mailbox(displayName: "Zoë Ünal", address: "zoe.unal@gmail.com")])
        #expect(email.to == [Mailbox(displayName: "15551234567", address: "relay@example.org")])
        #expect(email.header("received")?.hasSuffix("pxb;        Mon, 23 Nov 2026 01:14:03 -0800 (PST)") == true)
        #expect(email.root.shape == "multipart/alternative(text/plain,text/html)")
        #expect(email.bodyText == plain.replacingLineBreaks(with: "\n"))

        let html = try #require(email.root.children.last)
        #expect(html.parameters["charset"] == "UTF-8")
        #expect(html.text?.hasPrefix("<div dir=\"ltr\">Sounds good — see you at 7! 👍</div><br><div class=\"gmail_quote\">") == true)
    }

    @Test("Gmail's HTML alone reads as the reply, the attribution line and the quote marked with >")
    func gmailHTML() throws {
        let email = try ReceivedMessage.parse(
            """
            From: zoe.unal@gmail.com
            Content-Type: text/html; charset="UTF-8"
            Content-Transfer-Encoding: quoted-printable

            <div dir=3D"ltr">Sounds good =E2=80=94 see you at 7!<div>Bring the keys.</div></di=
            v><br><div class=3D"gmail_quote"><div dir=3D"ltr" class=3D"gmail_attr">On Mon, N=
            ov 23, 2026 at 9:14 AM 15551234567 &lt;<a href=3D"mailto:relay@example.org">rela=
            y@example.org</a>&gt; wrote:<br></div><blockquote class=3D"gmail_quote" style=3D=
            "margin:0px 0px 0px 0.8ex">Are we still on<br>for dinner tonight?</blockquote></div>
            """
        )
        #expect(
            email.bodyText == """
                Sounds good — see you at 7!
                Bring the keys.

                On Mon, Nov 23, 2026 at 9:14 AM 15551234567 <relay@example.org> wrote:
                > Are we still on
                > for dinner tonight?
                """
        )
    }

    static let outlookBoundary = "_000_DM6PR11MB4105A1B2C3D4E5F6DM6PR11MB4105namprd_"

    @Test("an Outlook reply in Windows-1252 quoted-printable has its curly quotes, dashes and euro sign")
    func outlook() throws {
        let email = try ReceivedMessage.parse(
            """
            From: "O'Brien, Sean" <sean.obrien@contoso.com>
            To: "relay@example.org" <relay@example.org>
            Subject: RE: SMS from +1 555-123-4567
            Thread-Topic: SMS from +1 555-123-4567
            Thread-Index: AQHZ1a2b3c4d5e6f7g8h9i0jAAAAAA==
            Date: Mon, 23 Nov 2026 09:20:11 +0000
            Message-ID:
            \t<DM6PR11MB4105A1B2C3D4E5F6@DM6PR11MB4105.namprd11.prod.outlook.com>
            References: <\(Self.relayMessageID)>
            In-Reply-To: <\(Self.relayMessageID)>
            Accept-Language: en-US
            Content-Language: en-US
            X-MS-Has-Attach:
            X-MS-TNEF-Correlator:
            Content-Type: multipart/alternative;
            \tboundary="\(Self.outlookBoundary)"
            MIME-Version: 1.0

            --\(Self.outlookBoundary)
            Content-Type: text/plain; charset="Windows-1252"
            Content-Transfer-Encoding: quoted-printable

            That=92s fine =96 the deposit is =8050. I=92ll call =93tomorrow=94.

            From: 15551234567 <relay@example.org>
            Sent: Monday, November 23, 2026 9:14 AM
            To: O'Brien, Sean <sean.obrien@contoso.com>
            Subject: SMS from +1 555-123-4567

            Is the deposit still =8050?

            --\(Self.outlookBoundary)
            Content-Type: text/html; charset="Windows-1252"
            Content-Transfer-Encoding: quoted-printable

            <html xmlns:v=3D"urn:schemas-microsoft-com:vml" xmlns:o=3D"urn:schemas-micr=
            osoft-com:office:office">
            <head>
            <meta http-equiv=3D"Content-Type" content=3D"text/html; charset=3DWindows-1=
            252">
            <style><!--
            /* Font Definitions */
            p.MsoNormal, li.MsoNormal, div.MsoNormal
            \t{margin:0in;
            \tfont-family:"Calibri",sans-serif;}
            --></style>
            </head>
            <body lang=3D"EN-US" link=3D"#0563C1" vlink=3D"#954F72">
            <div class=3D"WordSection1">
            <p class=3D"MsoNormal">That=92s fine =96 the deposit is =8050. I=92ll call =
            =93tomorrow=94.<o:p></o:p></p>
            <p class=3D"MsoNormal"><o:p>&nbsp;</o:p></p>
            <div style=3D"border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in =
            0in 0in">
            <p class=3D"MsoNormal"><b>From:</b> 15551234567 &lt;relay@example.org&gt; <=
            br>
            <b>Sent:</b> Monday, November 23, 2026 9:14 AM<br>
            <b>Subject:</b> SMS from +1 555-123-4567<o:p></o:p></p>
            </div>
            <p class=3D"MsoNormal">Is the deposit still =8050?<o:p></o:p></p>
            </div>
            </body>
            </html>

            --\(Self.outlookBoundary)--

            """
        )
        #expect(email.from == [Mailbox(displayName: "O'Brien, Sean", address: "sean.obrien@contoso.com")])
        #expect(email.messageID == "DM6PR11MB4105A1B2C3D4E5F6@DM6PR11MB4105.namprd11.prod.outlook.com")
        #expect(email.header("X-MS-Has-Attach") == "")
        #expect(email.subject == "RE: SMS from +1 555-123-4567")
        let text = try #require(email.bodyText)
        #expect(text.hasPrefix("That’s fine – the deposit is €50. I’ll call “tomorrow”.\n\nFrom: 15551234567"))
        #expect(text.hasSuffix("Is the deposit still €50?\n"))

        let html = try #require(email.root.children.last?.text)
        #expect(
            HTMLTextReading.plain(html) == """
                That’s fine – the deposit is €50. I’ll call “tomorrow”.
                From: 15551234567 <relay@example.org>
                Sent: Monday, November 23, 2026 9:14 AM
                Subject: SMS from +1 555-123-4567
                Is the deposit still €50?
                """
        )
    }

    @Test("an Apple Mail reply in format=flowed with DelSp=yes is joined back into its paragraphs")
    func appleMail() throws {
        // Apple Mail writes DelSp=yes, so a break inside a word or between CJK characters
        // needs no space; a break after a space is written as that space and the flow space.
        let email = try ReceivedMessage.parse(
            """
            From: Ann Smith <ann.smith@icloud.com>
            Content-Type: text/plain;
            \tcharset=utf-8;
            \tdelsp=yes;
            \tformat=flowed
            Content-Transfer-Encoding: quoted-printable
            Mime-Version: 1.0 (Mac OS X Mail 16.0 \\(3774.600.62\\))
            Subject: Re: SMS from +1 555-123-4567
            Date: Mon, 23 Nov 2026 10:30:00 +0100
            In-Reply-To: <\(Self.relayMessageID)>
            To: relay@example.org
            References: <\(Self.relayMessageID)>
            Message-Id: <8F3A2B1C-4D5E-6F70-8192-A3B4C5D6E7F8@icloud.com>
            X-Mailer: Apple Mail (2.3774.600.62)

            Yes, I can pick up the keys at the front desk after six. Is that =20
            OK with you? Caf=C3=A9 on the corner if you=E2=80=99d rather meet =20
            there. =E6=97=A5=E6=9C=AC=E8=AA=9E=E3=81=AE=E3=83=86=20
            =E3=82=AD=E3=82=B9=E3=83=88

            > On 23 Nov 2026, at 09:14, 15551234567 <relay@example.org> wrote:
            >=20
            > Are we still on for dinner tonight?

            """
        )
        #expect(email.messageID == "8F3A2B1C-4D5E-6F70-8192-A3B4C5D6E7F8@icloud.com")
        #expect(
            email.bodyText == """
                Yes, I can pick up the keys at the front desk after six. Is that OK with you? \
                Café on the corner if you’d rather meet there. 日本語のテキスト

                > On 23 Nov 2026, at 09:14, 15551234567 <relay@example.org> wrote:
                >
                > Are we still on for dinner tonight?

                """
        )
    }

    @Test("a Thunderbird reply in format=flowed keeps its quote depths and signature")
    func thunderbird() throws {
        let body = [
            "On 23/11/2026 09:14, 15551234567 wrote:",
            "> Are we still on for dinner tonight? I booked the table for seven at ",
            "> the usual place.",
            ">> Earlier: shall we try the new place ",
            ">> on the corner?",
            ">",
            "Yes, still on. I might be a few minutes late because the bus is ",
            "running behind schedule.",
            " From the bus stop it is a short walk.",
            "",
            "-- ",
            "Ann",
        ].joined(separator: "\n")
        let email = try ReceivedMessage.parse(
            """
            Message-ID: <4b9c1e0a-2f3d-4c5e-8a7b-1c2d3e4f5a6b@example.com>
            Date: Mon, 23 Nov 2026 09:40:12 +0100
            MIME-Version: 1.0
            User-Agent: Mozilla Thunderbird
            Subject: Re: SMS from +1 555-123-4567
            Content-Language: en-GB
            To: 15551234567 <relay@example.org>
            References: <\(Self.relayMessageID)>
            From: Ann <ann@example.com>
            In-Reply-To: <\(Self.relayMessageID)>
            Content-Type: text/plain; charset=UTF-8; format=flowed
            Content-Transfer-Encoding: 8bit

            \(body)

            """
        )
        #expect(
            email.bodyText == """
                On 23/11/2026 09:14, 15551234567 wrote:
                > Are we still on for dinner tonight? I booked the table for seven at the usual place.
                >> Earlier: shall we try the new place on the corner?
                >
                Yes, still on. I might be a few minutes late because the bus is running behind schedule.
                From the bus stop it is a short walk.

                --\u{20}
                Ann

                """
        )
    }

    @Test("an HTML-only reply loses its head, style and script and keeps its quote")
    func htmlOnly() throws {
        let email = try ReceivedMessage.parse(
            """
            From: Bob <bob@example.net>
            To: relay@example.org
            Subject: Re: SMS
            MIME-Version: 1.0
            Content-Type: text/html; charset=utf-8
            Content-Transfer-Encoding: 7bit

            <html><head><title>Reply</title><style type="text/css">body { font-family: Arial; }</style></head>
            <body><p>Thanks &amp; see you&nbsp;&nbsp;soon!</p>
            <p>Caf&eacute; at 7 &#8212; don&#39;t be late &#x1F600;</p><div><br></div>
            <blockquote type="cite"><div>On Nov 23, 2026, at 09:14, relay@example.org wrote:</div>
            <div>Dinner   tonight?</div></blockquote>
            <script>document.write("not text")</script>
            </body></html>
            """
        )
        #expect(
            email.bodyText == """
                Thanks & see you soon!
                Café at 7 — don't be late 😀

                > On Nov 23, 2026, at 09:14, relay@example.org wrote:
                > Dinner tonight?
                """
        )
    }

    @Test("a reply with a photo: multipart/mixed around the alternative, the photo's bytes intact")
    func replyWithAttachment() throws {
        let photo: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10] + Array(0...255) + [0xFF, 0xD9]
        let email = try ReceivedMessage.parse(
            """
            From: Zoë <zoe@example.com>
            To: relay@example.org
            Subject: =?UTF-8?Q?Re:_Here=E2=80=99s_the_photo?=
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="0000000000001f2e3d4c5b6a7980"

            --0000000000001f2e3d4c5b6a7980
            Content-Type: multipart/alternative; boundary="0000000000001f2e3d4c5b6a797e"

            --0000000000001f2e3d4c5b6a797e
            Content-Type: text/plain; charset="UTF-8"

            Here it is.

            --0000000000001f2e3d4c5b6a797e
            Content-Type: text/html; charset="UTF-8"

            <div dir="ltr">Here it is.</div>

            --0000000000001f2e3d4c5b6a797e--
            --0000000000001f2e3d4c5b6a7980
            Content-Type: image/jpeg; name="IMG_0042.jpg"
            Content-Disposition: attachment; filename="IMG_0042.jpg"
            Content-Transfer-Encoding: base64
            Content-ID: <f_lq2x9a8b0>
            X-Attachment-Id: f_lq2x9a8b0

            \(ReceivedMessage.base64Lines(photo))
            --0000000000001f2e3d4c5b6a7980--

            """
        )
        #expect(email.subject == "Re: Here’s the photo")
        #expect(email.root.shape == "multipart/mixed(multipart/alternative(text/plain,text/html),image/jpeg)")
        #expect(email.bodyText == "Here it is.\n")
        let image = try #require(email.root.children.last)
        #expect(image.isAttachment)
        #expect(image.disposition == "attachment")
        #expect(image.fileName == "IMG_0042.jpg")
        #expect(image.body == photo)
        #expect(image.text == nil)
        #expect(image.headers.first { $0.name == "Content-ID" }?.value == "<f_lq2x9a8b0>")
    }
}

/// HTML to text through the public API: an HTML-only email around it.
enum HTMLTextReading {
    static func plain(_ html: String) -> String? {
        let message = "Content-Type: text/html; charset=utf-8\r\n\r\n" + html
        return (try? ReceivedEmail(parsing: Array(message.utf8)))?.bodyText
    }
}
