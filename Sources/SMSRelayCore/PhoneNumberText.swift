/// Phone numbers as people read them.
public enum PhoneNumberText {
    /// `number` in international form: `+1 855-356-9768` for a North American number,
    /// `+44 20 7946 0958`, `+33 6 12 34 56 78`, … in the grouping of its country's numbering plan
    /// (``NumberingPlan``), or `+CC` and the rest in groups of three and four for a country the
    /// table does not know.
    ///
    /// The number is read as the carrier gives it, E.164 with or without the `+` (digits, and
    /// spaces, `-`, `.`, `(`, `)` between them). What is not a phone number stays exactly as
    /// given: a short code (fewer than 8 digits without a `+`), an alphanumeric sender id
    /// (`AMAZON`), anything longer than E.164's 15 digits, an empty string.
    public static func readable(_ number: String) -> String {
        guard let digits = e164Digits(number) else { return number }
        let codeLength = NumberingPlan.countryCodeLength(digits)
        guard digits.count > codeLength else { return "+" + String(digits) }
        let code = String(digits.prefix(codeLength))
        let national = Array(digits.dropFirst(codeLength))
        return "+" + code + " " + NumberingPlan.group(national, countryCode: code)
    }

    /// The digits of `number` when it reads as an E.164 number; nil for anything else.
    static func e164Digits(_ number: String) -> [Character]? {
        var text = Substring(number)
        while let first = text.first, first == " " { text = text.dropFirst() }
        while let last = text.last, last == " " { text = text.dropLast() }
        let plus = text.first == "+"
        if plus { text = text.dropFirst() }
        var digits: [Character] = []
        for character in text {
            if character.isASCII, character.isNumber {
                digits.append(character)
            } else if !" -.()".contains(character) {
                return nil
            }
        }
        guard digits.count <= 15, digits.count >= (plus ? 4 : 8), digits.first != "0" else { return nil }
        return digits
    }
}
