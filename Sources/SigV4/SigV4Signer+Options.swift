extension SigV4Signer {
    /// How a service wants its requests canonicalised.
    public struct Options: Sendable, Equatable {
        /// How the path is encoded in the canonical request.
        public enum URIEncoding: Sendable, Equatable {
            /// Encode the path as sent once more, so `%20` becomes `%2520`: every service but S3.
            case double
            /// Encode each segment once (escapes already there are kept, not doubled): S3.
            case single
        }

        /// Where the session token of temporary credentials goes.
        public enum SessionTokenPlacement: Sendable, Equatable {
            /// `x-amz-security-token` is one of the signed headers: what most services expect.
            case signed
            /// `x-amz-security-token` is added after the signature is computed, unsigned: for the
            /// few services that want it so.
            case appendedAfterSigning
        }

        public var uriEncoding: URIEncoding
        /// Resolve `.` and `..` and drop empty segments of the path before encoding it (not for S3).
        public var normalizesPath: Bool
        /// Send the payload's hash in `x-amz-content-sha256` and sign it (S3 requires it).
        public var addsContentSHA256Header: Bool
        public var sessionTokenPlacement: SessionTokenPlacement

        public init(
            uriEncoding: URIEncoding = .double,
            normalizesPath: Bool = true,
            addsContentSHA256Header: Bool = false,
            sessionTokenPlacement: SessionTokenPlacement = .signed
        ) {
            self.uriEncoding = uriEncoding
            self.normalizesPath = normalizesPath
            self.addsContentSHA256Header = addsContentSHA256Header
            self.sessionTokenPlacement = sessionTokenPlacement
        }

        /// What every service except S3 expects.
        public static let standard = Options()
        /// S3's rules: single encoding, no path normalisation, `x-amz-content-sha256`.
        public static let s3 = Options(uriEncoding: .single, normalizesPath: false, addsContentSHA256Header: true)
    }
}
