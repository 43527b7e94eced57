import Foundation

/// URLs as they may be shown.
public enum MediaURL {
    /// `scheme://host[:port]/path`: the URL without its user name, password, query and fragment,
    /// for logs and messages. A pre-signed URL's query carries its credential.
    public static func redacted(_ text: String) -> String {
        guard let url = URL(string: text), let scheme = url.scheme else { return "(not a URL)" }
        guard let host = url.host, !host.isEmpty else { return "\(scheme.lowercased()):(no host)" }
        var result = "\(scheme.lowercased())://"
        result += host.contains(":") ? "[\(host)]" : host
        if let port = url.port { result += ":\(port)" }
        let path = url.path(percentEncoded: true)
        result += path.hasPrefix("/") ? path : "/" + path
        return result
    }
}
