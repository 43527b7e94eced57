/// How numbers are grouped for reading, country by country: a compact table of the common
/// countries' national numbering plans (the grouping their telephone directories and operators
/// print), no full number validation.
///
/// A rule matches a national number (the digits after the country code) by its first digits and
/// its length, and writes it through a mask: `X` is a digit, `*` the digits left, anything else is
/// written as is. The first rule that matches wins.
enum NumberingPlan {
    struct Rule {
        var prefixes: [String]
        var lengths: ClosedRange<Int>
        var mask: String

        init(_ prefixes: [String], _ lengths: ClosedRange<Int>, _ mask: String) {
            self.prefixes = prefixes
            self.lengths = lengths
            self.mask = mask
        }

        init(_ prefixes: [String], _ length: Int, _ mask: String) {
            self.init(prefixes, length...length, mask)
        }

        /// A rule for every national number of that length.
        init(_ length: Int, _ mask: String) {
            self.init([""], length...length, mask)
        }

        func matches(_ national: [Character]) -> Bool {
            lengths.contains(national.count) && prefixes.contains { national.starts(with: $0) }
        }
    }

    /// The two-digit country codes (E.164 zones 2 to 9); `1` and `7` are the one-digit ones, and
    /// every other code has three digits. Codes are prefix-free, so the first digits tell.
    static let twoDigitCodes: Set<String> = [
        "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46", "47", "48", "49",
        "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63", "64", "65", "66",
        "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98",
    ]

    /// How many of the leading digits of an E.164 number are its country code.
    static func countryCodeLength(_ digits: [Character]) -> Int {
        guard let first = digits.first else { return 0 }
        if first == "1" || first == "7" { return 1 }
        return twoDigitCodes.contains(String(digits.prefix(2))) ? 2 : 3
    }

    /// Countries whose area codes vary in length: a number no rule matches is written in one
    /// block, rather than in groups that would suggest a wrong area code.
    static let variableAreaCodes: Set<String> = [
        "30", "31", "32", "39", "43", "44", "46", "49", "52", "61", "64", "81", "82", "86", "91", "353", "358", "972",
    ]

    /// The rules of the countries in the table, by country code.
    static let rules: [String: [Rule]] = {
        var rules: [String: [Rule]] = [:]
        // North American Numbering Plan: NPA-NXX-XXXX.
        rules["1"] = [Rule(10, "XXX-XXX-XXXX")]
        rules["7"] = [Rule(10, "XXX XXX-XX-XX")]
        rules["27"] = [Rule(9, "XX XXX XXXX")]
        rules["30"] = [Rule(["69"], 10, "XXX XXX XXXX"), Rule(["2"], 10, "XX XXXX XXXX")]
        rules["31"] = [
            Rule(["6"], 9, "X XXXXXXXX"),
            Rule(["10", "13", "15", "20", "23", "24", "26", "30", "33", "35", "36", "38", "40", "43", "45", "46", "50",
                  "53", "55", "58", "70", "71", "72", "73", "74", "75", "76", "77", "78", "79", "85", "88"], 9, "XX XXX XXXX"),
            Rule(9, "XXX XXX XXX"),
        ]
        rules["32"] = [Rule(["4"], 9, "XXX XX XX XX"), Rule(["2", "3", "4", "9"], 8, "X XXX XX XX"), Rule(8, "XX XX XX XX")]
        rules["33"] = [Rule(9, "X XX XX XX XX")]
        rules["34"] = [Rule(9, "XXX XX XX XX")]
        rules["39"] = [Rule(["3"], 10, "XXX XXX XXXX"), Rule(["02", "06"], 10, "XX XXXX XXXX")]
        rules["41"] = [Rule(9, "XX XXX XX XX")]
        rules["43"] = [Rule(["6"], 8...13, "XXX *")]
        rules["44"] = [
            Rule(["20", "23", "24", "28", "29", "55", "56", "70", "76"], 10, "XX XXXX XXXX"),
            Rule(["7"], 10, "XXXX XXXXXX"),
            Rule(["11", "121", "131", "141", "151", "161", "171", "181", "191"], 10, "XXX XXX XXXX"),
            Rule(["1"], 10, "XXXX XXXXXX"),
            Rule(["3", "8", "9"], 10, "XXX XXX XXXX"),
            Rule(["8"], 9, "XXX XXXXXX"),
        ]
        rules["45"] = [Rule(8, "XX XX XX XX")]
        rules["46"] = [Rule(["7"], 9, "XX XXX XX XX"), Rule(["8"], 9, "X XXX XXX XX")]
        rules["47"] = [Rule(8, "XX XX XX XX")]
        rules["48"] = [Rule(["45", "50", "51", "53", "57", "60", "66", "69", "72", "73", "78", "79", "88"], 9, "XXX XXX XXX"), Rule(9, "XX XXX XX XX")]
        rules["49"] = [
            Rule(["15"], 11, "XXXX XXXXXXX"),
            Rule(["16", "17"], 10...11, "XXX *"),
            Rule(["30", "40", "69", "89"], 6...11, "XX *"),
        ]
        rules["52"] = [Rule(["33", "55", "81"], 10, "XX XXXX XXXX"), Rule(10, "XXX XXX XXXX")]
        rules["55"] = [Rule(11, "XX XXXXX-XXXX"), Rule(10, "XX XXXX-XXXX")]
        rules["61"] = [Rule(["4"], 9, "XXX XXX XXX"), Rule(["2", "3", "7", "8"], 9, "X XXXX XXXX")]
        rules["63"] = [Rule(["9"], 10, "XXX XXX XXXX")]
        rules["64"] = [Rule(["2"], 8, "XX XXX XXX"), Rule(["2"], 9, "XX XXX XXXX"), Rule(["2"], 10, "XX XXX XXXXX")]
        rules["65"] = [Rule(8, "XXXX XXXX")]
        rules["81"] = [Rule(["70", "80", "90"], 10, "XX-XXXX-XXXX"), Rule(["3", "6"], 9, "X-XXXX-XXXX")]
        rules["82"] = [Rule(["10"], 10, "XX-XXXX-XXXX")]
        rules["86"] = [Rule(["1"], 11, "XXX XXXX XXXX"), Rule(["10", "2"], 10, "XX XXXX XXXX")]
        rules["90"] = [Rule(10, "XXX XXX XX XX")]
        rules["91"] = [Rule(["6", "7", "8", "9"], 10, "XXXXX XXXXX"), Rule(["11", "20", "22", "33", "40", "44"], 10, "XX XXXX XXXX")]
        rules["234"] = [Rule(["70", "80", "81", "90", "91"], 10, "XXX XXX XXXX")]
        rules["351"] = [Rule(9, "XXX XXX XXX")]
        rules["353"] = [Rule(["8"], 9, "XX XXX XXXX"), Rule(["1"], 8, "X XXX XXXX"), Rule(["1"], 9, "X XXXX XXXX")]
        rules["358"] = [Rule(["4", "50"], 8...10, "XX *")]
        rules["852"] = [Rule(8, "XXXX XXXX")]
        rules["971"] = [Rule(["5"], 9, "XX XXX XXXX")]
        rules["972"] = [Rule(["5"], 9, "XX-XXX-XXXX"), Rule(["2", "3", "4", "8", "9"], 8, "X-XXX-XXXX")]
        return rules
    }()

    /// The national number of a country grouped for reading.
    static func group(_ national: [Character], countryCode: String) -> String {
        if let rule = rules[countryCode]?.first(where: { $0.matches(national) }) {
            return apply(rule.mask, to: national)
        }
        if variableAreaCodes.contains(countryCode) { return String(national) }
        return generic(national)
    }

    /// Groups of three and four, as even as they can be: `12 345`, `123 4567`, `1234 5678`,
    /// `123 456 789`, `123 456 7890`.
    static func generic(_ digits: [Character]) -> String {
        let count = digits.count
        guard count > 4 else { return String(digits) }
        let groups = (count + 3) / 4
        let base = count / groups, longer = count % groups
        var parts: [String] = []
        var start = 0
        for index in 0..<groups {
            let size = base + (index >= groups - longer ? 1 : 0)
            parts.append(String(digits[start..<(start + size)]))
            start += size
        }
        return parts.joined(separator: " ")
    }

    private static func apply(_ mask: String, to digits: [Character]) -> String {
        var output = ""
        var index = 0
        for character in mask {
            switch character {
            case "X":
                output.append(digits[index])
                index += 1
            case "*":
                output += String(digits[index...])
                index = digits.count
            default:
                output.append(character)
            }
        }
        return output
    }
}
