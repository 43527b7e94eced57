extension MIMEPart {
    /// How deep multiparts are followed; a multipart deeper than this is kept as one leaf.
    public static let maximumDepth = 32
    /// How many parts one email may have; parts past this are dropped.
    public static let maximumPartCount = 1000

    /// Builds a part from its header fields and raw body, parsing multipart bodies recursively.
    /// `budget` is the number of parts still allowed, this one included.
    init(headers: [ReceivedHeader], body: ArraySlice<UInt8>, defaultType: String, depth: Int, budget: inout Int) {
        budget -= 1
        self.headers = headers
        let contentType = headers.first { $0.isNamed("Content-Type") }.map { MIMEParameter.parse($0.value) }
        if let contentType, Self.isWellFormedType(contentType.value) {
            self.contentType = contentType.value
        } else {
            self.contentType = defaultType
        }
        parameters = contentType?.parameters ?? [:]
        let disposition = headers.first { $0.isNamed("Content-Disposition") }.map { MIMEParameter.parse($0.value) }
        self.disposition = disposition.flatMap { $0.value.isEmpty ? nil : $0.value }
        fileName = [disposition?.parameters["filename"], parameters["name"]].lazy.compactMap { $0 }.first { !$0.isEmpty }
        children = []
        self.body = []
        text = nil

        if self.contentType.hasPrefix("multipart/"), let boundary = parameters["boundary"], !boundary.isEmpty,
            depth < Self.maximumDepth, budget > 0
        {
            let childType = self.contentType == "multipart/digest" ? "message/rfc822" : "text/plain"
            for bytes in MultipartBody.parts(of: body, boundary: boundary, limit: budget) {
                guard budget > 0 else { break }
                let section = HeaderSection(splitting: bytes, isPart: true)
                children.append(
                    MIMEPart(headers: section.fields, body: section.body, defaultType: childType, depth: depth + 1, budget: &budget)
                )
            }
            if !children.isEmpty { return }
        }
        self.body = Self.decodeTransfer(body, encoding: rawHeader("Content-Transfer-Encoding"))
        if self.contentType.hasPrefix("text/") {
            text = Self.normalisingLineBreaks(Charset(named: parameters["charset"]).decode(self.body))
        }
    }

    /// `type/subtype`, both non-empty and without spaces.
    private static func isWellFormedType(_ value: String) -> Bool {
        let halves = value.split(separator: "/", omittingEmptySubsequences: false)
        return halves.count == 2 && halves.allSatisfy { !$0.isEmpty && !$0.contains(where: { $0 == " " || $0 == "\t" }) }
    }

    private static func decodeTransfer(_ body: ArraySlice<UInt8>, encoding: String?) -> [UInt8] {
        switch encoding.map(MIMEParameter.parse)?.value {
        case "base64": Base64.decode(body)
        case "quoted-printable": QuotedPrintable.decode(body)
        default: Array(body)
        }
    }

    /// CRLF and lone CR as LF.
    private static func normalisingLineBreaks(_ text: String) -> String {
        guard text.utf8.contains(0x0D) else { return text }
        var scalars = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\r" {
                scalars.append("\n")
                previousWasCR = true
                continue
            }
            if !(scalar == "\n" && previousWasCR) { scalars.append(scalar) }
            previousWasCR = false
        }
        return String(scalars)
    }
}
