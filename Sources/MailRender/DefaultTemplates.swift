/// The built-in Mustache templates, used for any part a route does not override.
///
/// Override files are Mustache too and see the same values:
///
/// | key | value |
/// |---|---|
/// | `subject` | the rendered subject (text and HTML templates only) |
/// | `from` | the sender's number in international form: `+1 855-356-9768`, `+44 20 7946 0958` (a short code or a sender name as given) |
/// | `fromRaw` | the sender's number as the carrier gave it: `18553569768` |
/// | `fromName`? | the sender's name in the route's `contacts` |
/// | `fromDisplay` | `Alice (+1 206-555-0100)` with a contact name, else `from` |
/// | `to`, `toRaw`, `toName`?, `toDisplay` | the same for our number that received the message (`to` and `toDisplay` read `(unknown number)`, and `toRaw` is missing, if the carrier gave none) |
/// | `body` | the message text |
/// | `hasBody` | whether the text is non-empty |
/// | `bodyLines` | the text's lines, each with `text` and `lineBreak` (false on the last line) |
/// | `receivedAt` | when the carrier received it, ISO 8601 UTC: `2026-11-25T06:30:00Z` |
/// | `receivedAtReadable` | the same for people, in `SMSRELAY_TIMEZONE`: `Wednesday, 25 November 2026, 07:30:00 UTC+01:00` (`… 06:30:00 UTC` in UTC) |
/// | `receivedAtLocal` | ISO 8601 in `SMSRELAY_TIMEZONE`, with its offset: `2026-11-25T07:30:00+01:00` |
/// | `timeZone` | `SMSRELAY_TIMEZONE` as configured: `Europe/Paris` (`UTC` by default) |
/// | `carrier` | the carrier's tag, e.g. `flowroute`, `twilio`, `voipms` |
/// | `carrierName` | the carrier's name as people write it, e.g. `Flowroute`, `VoIP.ms` |
/// | `isGroup` | whether the text went to a group: more people than the sender and our number |
/// | `group`? | the group's other members, each with `member`, `memberRaw`, `memberName`? and `memberDisplay` (as for `from`) |
/// | `groupCount`?, `groupDisplay`? | how many other members, and their `memberDisplay`s joined with `, ` |
/// | `participantsDisplay`? | everyone in the group but our number, the sender too, in the order of their numbers: the same for every text of the group |
/// | `messageID` | the carrier's id for the message |
/// | `hasMedia`, `mediaCount` | whether the MMS has media, and how many items |
/// | `media` | each item: `url`, `name`, `type`?, `size`? (readable), `details`? (type and size), `isLink` (an http(s) URL), `problem`? (why it could not be read) |
///
/// When the email carries the downloaded media (``EmailRenderer/render(_:route:media:)`` with
/// `media`), each item without a `problem` also has:
///
/// | key | value |
/// |---|---|
/// | `attached` | whether the file is attached; `type`, `size` and `details` are then those of the attached file |
/// | `fileName` | the name it is attached under (made safe, with an extension) |
/// | `renamed` | whether `fileName` differs from `name` |
/// | `inline` | whether it is an image shown in the HTML part |
/// | `cid` | the Content-ID of an inline image: `<img src="cid:{{cid}}">` |
/// | `attachmentNote`? | why it is attached as other than declared (an "image" that is not one) |
/// | `notAttached`? | why the file is not attached (the item keeps its link) |
///
/// Subject and text templates are rendered without escaping; HTML templates escape every
/// `{{value}}` (see ``TemplateKind``).
public enum DefaultTemplates {
    /// `Text message from <fromDisplay> to <toDisplay>`, or for a group `Group text to
    /// <toDisplay> with <participantsDisplay>`: the same for every text of a conversation, as
    /// threading asks.
    public static let subject =
        "{{#isGroup}}Group text to {{toDisplay}} with {{participantsDisplay}}{{/isGroup}}"
        + "{{^isGroup}}Text message from {{fromDisplay}} to {{toDisplay}}{{/isGroup}}"

    /// The `text/plain` part.
    public static let text = """
        {{#isGroup}}Group text{{/isGroup}}{{^isGroup}}Text message{{/isGroup}} from {{fromDisplay}} to {{toDisplay}}{{#isGroup}} and {{groupDisplay}}{{/isGroup}}

        {{#hasBody}}
        {{body}}
        {{/hasBody}}
        {{^hasBody}}
        (no text)
        {{/hasBody}}

        {{#hasMedia}}
        Media ({{mediaCount}}):
        {{#media}}
        {{#problem}}
        - {{name}}: could not be read ({{problem}})
        {{/problem}}
        {{^problem}}
        {{#attached}}
        - {{name}} ({{details}}): attached{{#renamed}} as {{fileName}}{{/renamed}}{{#attachmentNote}} ({{attachmentNote}}){{/attachmentNote}}
        {{/attached}}
        {{#notAttached}}
        - {{name}}{{#details}} ({{details}}){{/details}}: not attached ({{notAttached}}); link: {{url}}
        {{/notAttached}}
        {{^attached}}
        {{^notAttached}}
        - {{name}}{{#details}} ({{details}}){{/details}}: {{url}}
        {{/notAttached}}
        {{/attached}}
        {{/problem}}
        {{/media}}

        {{/hasMedia}}
        --
        From:       {{fromDisplay}}
        To:         {{toDisplay}}
        {{#isGroup}}
        Group:      {{groupDisplay}}
        {{/isGroup}}
        Numbers:    from {{fromRaw}}{{#toRaw}} to {{toRaw}}{{/toRaw}}, as the carrier gave them
        Received:   {{receivedAtReadable}} ({{receivedAt}})
        Carrier:    {{carrier}}
        Message ID: {{messageID}}

        """

    /// The `text/html` part. The message text keeps its line breaks (`<br>`) and spacing
    /// (`white-space: pre-wrap`); `dir="auto"` lets right-to-left text read correctly.
    public static let html = """
        <!DOCTYPE html>
        <html>
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{subject}}</title>
        </head>
        <body style="margin:0;padding:16px;font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.45;color:#1a1a1a;">
        <p style="margin:0 0 12px;color:#555555;">{{#isGroup}}Group text{{/isGroup}}{{^isGroup}}Text message{{/isGroup}} from <strong>{{fromDisplay}}</strong> to <strong>{{toDisplay}}</strong>{{#isGroup}} and {{groupDisplay}}{{/isGroup}}</p>
        {{#hasBody}}
        <div dir="auto" style="margin:0 0 16px;padding:12px 14px;border-left:3px solid #4a7bd0;background:#f4f6fa;white-space:pre-wrap;">{{#bodyLines}}{{text}}{{#lineBreak}}<br>{{/lineBreak}}{{/bodyLines}}</div>
        {{/hasBody}}
        {{^hasBody}}
        <p style="margin:0 0 16px;color:#555555;"><em>(no text)</em></p>
        {{/hasBody}}
        {{#hasMedia}}
        <p style="margin:0 0 6px;font-weight:600;">Media ({{mediaCount}})</p>
        <ul style="margin:0 0 16px;padding-left:20px;">
        {{#media}}
        {{#problem}}
        <li>{{name}}: <em>could not be read ({{problem}})</em></li>
        {{/problem}}
        {{^problem}}
        {{#attached}}
        <li>{{#inline}}<img src="cid:{{cid}}" alt="{{name}}" style="max-width:100%;height:auto"><br>{{/inline}}{{name}} <span style="color:#555555;">({{details}})</span>: attached{{#renamed}} as {{fileName}}{{/renamed}}{{#attachmentNote}} <em>({{attachmentNote}})</em>{{/attachmentNote}}</li>
        {{/attached}}
        {{#notAttached}}
        <li>{{#isLink}}<a href="{{url}}">{{name}}</a>{{/isLink}}{{^isLink}}{{name}}: <code>{{url}}</code>{{/isLink}}{{#details}} <span style="color:#555555;">({{details}})</span>{{/details}}: <em>not attached ({{notAttached}})</em></li>
        {{/notAttached}}
        {{^attached}}
        {{^notAttached}}
        <li>{{#isLink}}<a href="{{url}}">{{name}}</a>{{/isLink}}{{^isLink}}{{name}}: <code>{{url}}</code>{{/isLink}}{{#details}} <span style="color:#555555;">({{details}})</span>{{/details}}</li>
        {{/notAttached}}
        {{/attached}}
        {{/problem}}
        {{/media}}
        </ul>
        {{/hasMedia}}
        <table role="presentation" style="border-collapse:collapse;font-size:13px;color:#555555;">
        <tr><td style="padding:2px 12px 2px 0;">From</td><td>{{fromDisplay}}</td></tr>
        <tr><td style="padding:2px 12px 2px 0;">To</td><td>{{toDisplay}}</td></tr>
        {{#isGroup}}
        <tr><td style="padding:2px 12px 2px 0;">Group</td><td>{{groupDisplay}}</td></tr>
        {{/isGroup}}
        <tr><td style="padding:2px 12px 2px 0;">Numbers</td><td>from {{fromRaw}}{{#toRaw}} to {{toRaw}}{{/toRaw}}, as the carrier gave them</td></tr>
        <tr><td style="padding:2px 12px 2px 0;">Received</td><td>{{receivedAtReadable}} (<time datetime="{{receivedAt}}">{{receivedAt}}</time>)</td></tr>
        <tr><td style="padding:2px 12px 2px 0;">Carrier</td><td>{{carrier}}</td></tr>
        <tr><td style="padding:2px 12px 2px 0;">Message ID</td><td>{{messageID}}</td></tr>
        </table>
        </body>
        </html>

        """
}
