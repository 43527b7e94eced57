/// HTML character references (`&amp;`, `&#233;`, `&#xE9;`) for turning HTML into text.
enum HTMLEntities {
    /// The scalar(s) of the reference that starts at `start` (at its `&`) and the index after
    /// its `;`; nil when no known reference starts there. Looks at most 32 scalars ahead.
    static func reference(in scalars: [Unicode.Scalar], at start: Int) -> (text: String, end: Int)? {
        var end = start + 1
        while end < scalars.count, end - start <= 32, scalars[end] != ";" {
            guard isASCIILetterOrDigit(scalars[end]) || scalars[end] == "#" else { return nil }
            end += 1
        }
        guard end < scalars.count, scalars[end] == ";", end > start + 1 else { return nil }
        var name = String.UnicodeScalarView()
        name.append(contentsOf: scalars[(start + 1)..<end])
        let reference = String(name)
        if reference.hasPrefix("#") {
            guard let value = numericValue(reference.dropFirst()) else { return nil }
            return (String(scalar(for: value)), end + 1)
        }
        guard let text = named[reference] ?? named[reference.lowercased()] else { return nil }
        return (text, end + 1)
    }

    /// `123` or `x7B` as a number; nil when it is not one.
    private static func numericValue(_ digits: Substring) -> UInt32? {
        let isHex = digits.first == "x" || digits.first == "X"
        let number = isHex ? digits.dropFirst() : digits
        guard !number.isEmpty, number.allSatisfy({ isHex ? $0.isHexDigit : $0.isWholeNumber && $0.isASCII }) else { return nil }
        return number.count > 8 ? 0xFFFD : UInt32(number, radix: isHex ? 16 : 10)
    }

    /// The character a numeric reference stands for, as browsers read it: 0x80–0x9F as
    /// Windows-1252, anything not a character (NUL, a surrogate, past U+10FFFF) as U+FFFD.
    private static func scalar(for value: UInt32) -> Unicode.Scalar {
        if (0x80...0x9F).contains(value) { return Charset.windows1252Scalar(UInt8(value)) }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return scalar
    }

    private static func isASCIILetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "a"..."z", "A"..."Z", "0"..."9": true
        default: false
        }
    }

    /// The named references mail commonly uses. Lookup is exact first, then lower-cased.
    private static let named: [String: String] = [
        "nbsp": "\u{A0}", "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'",
        "copy": "©", "reg": "®", "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–",
        "lsquo": "‘", "rsquo": "’", "sbquo": "‚", "ldquo": "“", "rdquo": "”", "bdquo": "„",
        "laquo": "«", "raquo": "»", "lsaquo": "‹", "rsaquo": "›", "bull": "•", "middot": "·",
        "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "sect": "§", "para": "¶", "deg": "°",
        "plusmn": "±", "times": "×", "divide": "÷", "frac12": "½", "frac14": "¼", "frac34": "¾",
        "iexcl": "¡", "iquest": "¿", "shy": "", "zwnj": "", "zwj": "", "ensp": " ", "emsp": " ",
        "thinsp": " ", "larr": "←", "rarr": "→", "uarr": "↑", "darr": "↓", "hearts": "♥",
        "agrave": "à", "aacute": "á", "acirc": "â", "atilde": "ã", "auml": "ä", "aring": "å",
        "aelig": "æ", "ccedil": "ç", "egrave": "è", "eacute": "é", "ecirc": "ê", "euml": "ë",
        "igrave": "ì", "iacute": "í", "icirc": "î", "iuml": "ï", "ntilde": "ñ", "ograve": "ò",
        "oacute": "ó", "ocirc": "ô", "otilde": "õ", "ouml": "ö", "oslash": "ø", "ugrave": "ù",
        "uacute": "ú", "ucirc": "û", "uuml": "ü", "yacute": "ý", "yuml": "ÿ", "szlig": "ß",
        "Agrave": "À", "Aacute": "Á", "Acirc": "Â", "Atilde": "Ã", "Auml": "Ä", "Aring": "Å",
        "AElig": "Æ", "Ccedil": "Ç", "Egrave": "È", "Eacute": "É", "Ecirc": "Ê", "Euml": "Ë",
        "Iacute": "Í", "Ntilde": "Ñ", "Oacute": "Ó", "Ocirc": "Ô", "Ouml": "Ö", "Oslash": "Ø",
        "Uacute": "Ú", "Uuml": "Ü",
    ]
}
