/// How many SMS segments a text takes, as the networks count them.
///
/// A text that only uses the GSM 03.38 alphabet goes as 7-bit septets: 160 in a single SMS, 153
/// in each segment of a longer one (a header takes the rest). A character of the extension table
/// (`^ { } \ [ ~ ] | €` and form feed) takes two septets, and never straddles two segments. Any
/// other character makes the whole text UCS-2: 70 UTF-16 code units in a single SMS, 67 per
/// segment, and a character outside the Basic Multilingual Plane (most emoji) takes two units
/// that stay in one segment.
///
/// Flowroute bills per segment; its own page on message length describes a coarser rule
/// (ASCII, and 140 characters a segment past 160), so take the count as what the phone network
/// sees, not as Flowroute's invoice.
public enum SMSSegments {
    public enum Encoding: Sendable, Equatable {
        /// The GSM 7-bit default alphabet; units are septets.
        case gsm7
        /// UCS-2 (UTF-16); units are 16-bit code units.
        case ucs2
    }

    /// The encoding a text needs, the segments it takes and its length in that encoding's units.
    public struct Count: Sendable, Equatable {
        public var encoding: Encoding
        /// How many SMS the text is sent as; an empty text still takes one.
        public var segments: Int
        /// Septets for ``Encoding/gsm7``, UTF-16 code units for ``Encoding/ucs2``.
        public var units: Int

        public init(encoding: Encoding, segments: Int, units: Int) {
            self.encoding = encoding
            self.segments = segments
            self.units = units
        }
    }

    /// Septets in a single GSM-7 SMS, and in each segment of a longer text.
    static let gsm7Single = 160, gsm7Segment = 153
    /// UTF-16 code units in a single UCS-2 SMS, and in each segment of a longer text.
    static let ucs2Single = 70, ucs2Segment = 67

    /// Counts `text` as it would be sent: its Unicode scalars, unnormalised.
    public static func count(_ text: String) -> Count {
        var septets: [Int] = []
        for scalar in text.unicodeScalars {
            guard let size = GSM7Alphabet.septets(scalar) else {
                let units = text.unicodeScalars.map { UTF16.width($0) }
                return Count(encoding: .ucs2, segments: segments(of: units, single: ucs2Single, segment: ucs2Segment), units: units.reduce(0, +))
            }
            septets.append(size)
        }
        return Count(encoding: .gsm7, segments: segments(of: septets, single: gsm7Single, segment: gsm7Segment), units: septets.reduce(0, +))
    }

    /// How many segments characters of the given sizes fill, none split: one if they fit in
    /// `single`, else packed in order into segments of `segment` units.
    static func segments(of sizes: [Int], single: Int, segment: Int) -> Int {
        guard sizes.reduce(0, +) > single else { return 1 }
        var count = 1
        var used = 0
        for size in sizes {
            if used + size > segment {
                count += 1
                used = 0
            }
            used += size
        }
        return count
    }
}
