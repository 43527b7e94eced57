import Foundation
@testable import SMSRelayCore
import Testing

@Suite("Phone numbers as people read them")
struct PhoneNumberTextTests {
    /// E.164 digits as Flowroute gives them, and the international form the numbering plans of
    /// their countries print (each checked against Google's libphonenumber).
    static let international: [(String, String)] = [
        ("18553569768", "+1 855-356-9768"),
        ("12066418000", "+1 206-641-8000"),
        ("442079460958", "+44 20 7946 0958"),
        ("447911123456", "+44 7911 123456"),
        ("441214960000", "+44 121 496 0000"),
        ("441632960123", "+44 1632 960123"),
        ("442912345678", "+44 29 1234 5678"),
        ("447012345678", "+44 70 1234 5678"),
        ("443001234567", "+44 300 123 4567"),
        ("448001234567", "+44 800 123 4567"),
        ("44800123456", "+44 800 123456"),
        ("493012345678", "+49 30 12345678"),
        ("4915123456789", "+49 1512 3456789"),
        ("491701234567", "+49 170 1234567"),
        ("4916012345678", "+49 160 12345678"),
        ("4989123456", "+49 89 123456"),
        ("33612345678", "+33 6 12 34 56 78"),
        ("33123456789", "+33 1 23 45 67 89"),
        ("61412345678", "+61 412 345 678"),
        ("61291234567", "+61 2 9123 4567"),
        ("919876543210", "+91 98765 43210"),
        ("911123456789", "+91 11 2345 6789"),
        ("34612345678", "+34 612 34 56 78"),
        ("393123456789", "+39 312 345 6789"),
        ("390612345678", "+39 06 1234 5678"),
        ("31612345678", "+31 6 12345678"),
        ("31201234567", "+31 20 123 4567"),
        ("31341234567", "+31 341 234 567"),
        ("41441234567", "+41 44 123 45 67"),
        ("4540123456", "+45 40 12 34 56"),
        ("4791234567", "+47 91 23 45 67"),
        ("46701234567", "+46 70 123 45 67"),
        ("46812345678", "+46 8 123 456 78"),
        ("48512345678", "+48 512 345 678"),
        ("48221234567", "+48 22 123 45 67"),
        ("79123456789", "+7 912 345-67-89"),
        ("27821234567", "+27 82 123 4567"),
        ("525512345678", "+52 55 1234 5678"),
        ("526641234567", "+52 664 123 4567"),
        ("5511987654321", "+55 11 98765-4321"),
        ("551123456789", "+55 11 2345-6789"),
        ("6591234567", "+65 9123 4567"),
        ("85291234567", "+852 9123 4567"),
        ("64211234567", "+64 21 123 4567"),
        ("8613912345678", "+86 139 1234 5678"),
        ("862112345678", "+86 21 1234 5678"),
        ("819012345678", "+81 90-1234-5678"),
        ("81312345678", "+81 3-1234-5678"),
        ("821012345678", "+82 10-1234-5678"),
        ("905321234567", "+90 532 123 45 67"),
        ("639171234567", "+63 917 123 4567"),
        ("2348031234567", "+234 803 123 4567"),
        ("351912345678", "+351 912 345 678"),
        ("353871234567", "+353 87 123 4567"),
        ("35312345678", "+353 1 234 5678"),
        ("971501234567", "+971 50 123 4567"),
        ("972501234567", "+972 50-123-4567"),
        ("97221234567", "+972 2-123-4567"),
        ("3221234567", "+32 2 123 45 67"),
        ("32470123456", "+32 470 12 34 56"),
        ("43664123456", "+43 664 123456"),
        ("358401234567", "+358 40 1234567"),
        ("302101234567", "+30 21 0123 4567"),
        ("306912345678", "+30 691 234 5678"),
    ]

    @Test("a number of a country in the table is grouped as its numbering plan prints it", arguments: international)
    func table(_ number: String, _ expected: String) {
        #expect(PhoneNumberText.readable(number) == expected)
        #expect(PhoneNumberText.readable("+" + number) == expected, "with a +")
    }

    @Test("a number written with +, spaces, dashes, dots or parentheses reads the same")
    func punctuation() {
        for written in ["+1 (855) 356-9768", "1.855.356.9768", " +18553569768 ", "1-855-356-9768"] {
            #expect(PhoneNumberText.readable(written) == "+1 855-356-9768", "\(written)")
        }
    }

    @Test("a country outside the table, or a shape the table does not know, falls back to +CC and groups of three and four")
    func fallback() {
        // Egypt (+20) and Vietnam (+84) have no rules: even groups.
        #expect(PhoneNumberText.readable("201001234567") == "+20 100 123 4567")
        #expect(PhoneNumberText.readable("84912345678") == "+84 912 345 678")
        // A three-digit code (+880 Bangladesh) is told from the two-digit ones.
        #expect(PhoneNumberText.readable("8801712345678") == "+880 171 234 5678")
        // A North American number of the wrong length is not forced into NPA-NXX-XXXX.
        #expect(PhoneNumberText.readable("+1855356976") == "+1 855 356 976")
        // Germany's area codes run from 2 to 5 digits: an unknown one is not guessed.
        #expect(PhoneNumberText.readable("4922112345678") == "+49 22112345678")
        #expect(PhoneNumberText.readable("+4412") == "+44 12")
    }

    @Test("short codes, sender names and what is not E.164 stay exactly as given")
    func notInternational() {
        for given in ["", "  ", "72345", "898211", "1234567", "AMAZON", "Bank-ID", "1555 & <Co>", "0612345678",
                      "1234567890123456", "+", "+12", "12a4567890", "1555\r\nBcc: x@y"] {
            #expect(PhoneNumberText.readable(given) == given, "\(given.debugDescription)")
        }
    }

    @Test("generic groups are as even as they can be")
    func generic() {
        let cases: [(String, String)] = [
            ("1234", "1234"), ("12345", "12 345"), ("123456", "123 456"), ("1234567", "123 4567"), ("12345678", "1234 5678"),
            ("123456789", "123 456 789"), ("1234567890", "123 456 7890"), ("12345678901", "123 4567 8901"),
            ("123456789012", "1234 5678 9012"), ("1234567890123", "123 456 789 0123"),
        ]
        for (digits, grouped) in cases {
            #expect(NumberingPlan.generic(Array(digits)) == grouped)
        }
    }

    @Test("every rule's mask fits the lengths it is for")
    func masksFit() {
        for (code, rules) in NumberingPlan.rules {
            #expect(NumberingPlan.countryCodeLength(Array(code + "123456789")) == code.count, "+\(code)")
            for rule in rules {
                let digits = rule.mask.filter { $0 == "X" }.count
                if rule.mask.hasSuffix("*") {
                    #expect(digits < rule.lengths.lowerBound, "+\(code) \(rule.mask)")
                } else {
                    #expect(rule.lengths == digits...digits, "+\(code) \(rule.mask)")
                }
            }
        }
    }
}

@Suite("Conversations")
struct ConversationTests {
    @Test("one texter and one of our numbers are one conversation, however the numbers are written")
    func sameConversation() {
        let a = Conversation(ourNumber: "12066418000", participants: ["18553569768"])
        let b = Conversation(ourNumber: "+1 (206) 641-8000", participants: [" +1 855-356-9768"])
        #expect(a == b)
        #expect(a.key == "12066418000:18553569768")
        let message = InboundMessage(carrier: "flowroute", id: "m1", from: "+18553569768", to: "12066418000", body: "", receivedAt: .init())
        #expect(Conversation(message) == a)
    }

    @Test("another texter, another of our numbers, or the two swapped, is another conversation")
    func otherConversations() {
        let keys = [
            Conversation(ourNumber: "12066418000", participants: ["18553569768"]),
            Conversation(ourNumber: "12066418000", participants: ["18553569769"]),
            Conversation(ourNumber: "12066418001", participants: ["18553569768"]),
            Conversation(ourNumber: "18553569768", participants: ["12066418000"]),
            Conversation(ourNumber: "12066418000", participants: ["amazon"]),
        ].map(\.key)
        #expect(Set(keys).count == keys.count)
    }

    @Test("a group is our number and the sorted set of its participants")
    func group() {
        let a = Conversation(ourNumber: "12066418000", participants: ["13105550102", "12125550101", "13105550102"])
        let b = Conversation(ourNumber: "12066418000", participants: ["+1 212 555 0101", "+1 310 555 0102"])
        #expect(a == b)
        #expect(a.key == "12066418000:12125550101,13105550102")
        #expect(a != Conversation(ourNumber: "12066418000", participants: ["12125550101"]))
    }

    @Test("a sender name is compared without case, and cannot forge the key's separators")
    func senderNames() {
        #expect(Conversation.participantKey(" AMAZON ") == "amazon")
        #expect(Conversation.participantKey("a:b,c") == "a_b_c")
        #expect(Conversation.participantKey(Conversation.participantKey("A:B")) == Conversation.participantKey("A:B"))
    }
}
