/// Phone numbers as people read them.
public enum PhoneNumberText {
    /// `+1 855 356 9768` for the 11 digits of a North American number, `+` and the digits for
    /// any other E.164 number, the text as given when it is not digits.
    public static func readable(_ number: String) -> String {
        let digits = Array(number)
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return number }
        if digits.count == 11, digits.first == "1" {
            return "+1 \(String(digits[1..<4])) \(String(digits[4..<7])) \(String(digits[7..<11]))"
        }
        return "+" + number
    }
}
