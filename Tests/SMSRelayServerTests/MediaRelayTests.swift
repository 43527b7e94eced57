import Foundation
import Hummingbird
import HummingbirdTesting
import Outbox
import SMSRelayApp
import Testing
import TestSupport

/// A Flowroute v2 MMS callback with the given media items.
func mmsCallback(id: String, body: String = "pictures", media: [(url: String, name: String, type: String)]) throws -> String {
    let included: [[String: Any]] = media.enumerated().map { index, item in
        [
            "type": "media", "id": "m\(index)",
            "attributes": ["url": item.url, "file_name": item.name, "mime_type": item.type, "file_size": 1000],
        ]
    }
    let payload: [String: Any] = [
        "included": included,
        "data": [
            "type": "message", "id": id,
            "relationships": ["media": ["data": media.indices.map { ["type": "media", "id": "m\($0)"] }]],
            "attributes": [
                "body": body, "direction": "inbound", "to": "12065550100", "from": "12065550199",
                "timestamp": "2026-11-25T06:30:00.00Z", "is_mms": true,
            ],
        ],
    ]
    return String(decoding: try JSONSerialization.data(withJSONObject: payload), as: UTF8.self)
}

/// The only message in a maildir's `new/`, as bytes.
func onlyMaildirMessage(_ root: URL) throws -> [UInt8] {
    let new = root.appendingPathComponent("new")
    let names = try FileManager.default.contentsOfDirectory(atPath: new.path)
    guard names.count == 1 else { throw TestFailure("expected one message in \(new.path), found \(names.count)") }
    return Array(try Data(contentsOf: new.appendingPathComponent(names[0])))
}

@Suite("MMS media downloaded and attached (server, maildir, a local media server)", .serialized)
struct MediaRelayTests {
    static let photo = try! TestMedia.bytes("photo.jpg")

    /// A relay trusting the media server, with short retries, for `body`.
    func withMediaRelay(
        _ media: MediaTestServer, trusted: Bool = true, extra: [String: String] = [:],
        _ body: @Sendable (any TestClientProtocol, RelayAssembly, URL) async throws -> Void
    ) async throws {
        try await withTemporaryDirectory { dir in
            var settings = ["retry_base_seconds": "1", "media_timeout_seconds": "5"]
            settings["media_trusted_hosts"] = trusted ? media.hostAndPort : "media.example.invalid"
            settings.merge(extra) { $1 }
            try await withLiveRelay(dir: dir, extra: settings) { client, assembly in
                try await body(client, assembly, dir)
            }
        }
    }

    func delivered(_ assembly: RelayAssembly) async throws {
        let store = assembly.store
        try await eventually(timeout: .seconds(90), "the email") { try await store.counts().sent == 1 }
    }

    @Test("the real Flowroute MMS fixture, its media URL on the local server, gives one email with the picture attached and shown inline")
    func flowrouteFixture() async throws {
        try await MediaTestServer.with { media in
            try await media.serve("/mms/IMG_6692.jpg", bytes: Self.photo, contentType: "image/jpeg")
            let payload = String(decoding: try fixture("v2-inbound-mms.json"), as: UTF8.self).replacingOccurrences(
                of: "https://media.example.invalid/939305103458545664-IMG_6692.jpg", with: media.url("/mms/IMG_6692.jpg"))
            #expect(payload.contains(media.url("/mms/IMG_6692.jpg")))
            try await withMediaRelay(media) { client, assembly, dir in
                #expect(try await postCallback(client, payload) == .ok)
                try await delivered(assembly)
                let tree = try await MIMETree.parse(try onlyMaildirMessage(dir.appendingPathComponent("mail")))
                #expect(tree.shape == "multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,image/jpeg)))")
                let image = try #require(tree.files.first)
                #expect(image.sha256 == MIMETree.sha256(Self.photo))
                #expect(image.disposition == "inline")
                #expect(image.filename == "IMG_6692.jpg")
                let cid = try #require(image.content_id).trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
                let html = try #require(tree.allParts.first { $0.type == "text/html" }?.text)
                #expect(html.contains("cid:\(cid)"))
                #expect(tree.allDefects.isEmpty)
                // Sent: the downloaded file is removed from the media folder (just after the outcome is recorded).
                let folder = dir.appendingPathComponent("media")
                try await eventually("the downloaded file removed") {
                    try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty
                }
            }
            #expect(try await media.hits("/mms/IMG_6692.jpg") == 1)
        }
    }

    @Test("an MMS with a JPEG, a PNG, a GIF and a vCard arrives as one email whose files Python extracts byte-identical")
    func fourItems() async throws {
        try await MediaTestServer.with { media in
            let files = [
                ("photo.jpg", "image/jpeg"), ("diagram.png", "image/png"), ("animation.gif", "image/gif"),
                ("contact.vcf", "text/vcard"),
            ]
            for (name, type) in files {
                try await media.serve("/four/\(name)", bytes: try TestMedia.bytes(name), contentType: type)
            }
            let payload = try mmsCallback(
                id: "mms-four", media: files.map { (media.url("/four/\($0.0)"), $0.0, $0.1) })
            try await withMediaRelay(media, extra: ["media_keep": "true"]) { client, assembly, dir in
                #expect(try await postCallback(client, payload) == .ok)
                try await delivered(assembly)
                let tree = try await MIMETree.parse(try onlyMaildirMessage(dir.appendingPathComponent("mail")))
                #expect(tree.shape == "multipart/mixed(multipart/alternative(text/plain,multipart/related(text/html,image/jpeg,image/png,image/gif)),text/vcard)")
                for (name, _) in files {
                    let part = try #require(tree.files.first { $0.filename == name }, "\(name) attached")
                    #expect(part.sha256 == MIMETree.sha256(try TestMedia.bytes(name)), "\(name) byte-identical")
                }
                #expect(tree.files.first { $0.filename == "contact.vcf" }?.disposition == "attachment")
                let text = try #require(tree.allParts.first { $0.type == "text/plain" }?.text)
                for (name, _) in files { #expect(text.contains(name)) }
                // Kept: media_keep is on; four files, private.
                let folder = dir.appendingPathComponent("media")
                let kept = try FileManager.default.contentsOfDirectory(atPath: folder.path)
                #expect(kept.count == 4)
                for name in kept {
                    let mode = try FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent(name).path)[.posixPermissions] as? Int
                    #expect(mode == 0o600)
                }
            }
        }
    }

    @Test("URLs to loopback, metadata, private and loopback-named hosts are never requested, and the email says why")
    func ssrfRefused() async throws {
        try await MediaTestServer.with { media in
            try await media.serve("/ssrf/a.jpg", bytes: Self.photo, contentType: "image/jpeg")
            let urls = [
                "https://127.0.0.1:\(media.port)/ssrf/a.jpg",
                media.url("/ssrf/a.jpg"),  // http, not trusted
                "https://localhost:\(media.port)/ssrf/a.jpg",
                "https://169.254.169.254/latest/meta-data/iam/a.jpg",
                "https://10.0.0.1/ssrf/a.jpg",
            ]
            let payload = try mmsCallback(id: "mms-ssrf", media: urls.enumerated().map { ($1, "p\($0).jpg", "image/jpeg") })
            try await withMediaRelay(media, trusted: false) { client, assembly, dir in
                #expect(try await postCallback(client, payload) == .ok)
                try await delivered(assembly)
                let tree = try await MIMETree.parse(try onlyMaildirMessage(dir.appendingPathComponent("mail")))
                #expect(tree.files.isEmpty)
                let text = try #require(tree.allParts.first { $0.type == "text/plain" }?.text)
                #expect(text.components(separatedBy: "not attached").count - 1 == urls.count, "\(text)")
                #expect(text.contains("pictures"), "the text is delivered")
            }
            #expect(try await media.hits("/ssrf/a.jpg") == 0, "no request reached the media server")
        }
    }

    @Test("a redirect to a private address is refused after the first hop")
    func redirectToPrivate() async throws {
        try await MediaTestServer.with { media in
            try await media.serve("/redir/target.jpg", bytes: Self.photo, contentType: "image/jpeg")
            try await media.redirect("/redir/start.jpg", to: "https://localhost:\(media.port)/redir/target.jpg")
            let payload = try mmsCallback(id: "mms-redirect", media: [(media.url("/redir/start.jpg"), "r.jpg", "image/jpeg")])
            try await withMediaRelay(media) { client, assembly, dir in
                #expect(try await postCallback(client, payload) == .ok)
                try await delivered(assembly)
                let tree = try await MIMETree.parse(try onlyMaildirMessage(dir.appendingPathComponent("mail")))
                #expect(tree.files.isEmpty)
            }
            #expect(try await media.hits("/redir/start.jpg") == 1)
            #expect(try await media.hits("/redir/target.jpg") == 0)
        }
    }

    @Test("a server that answers 500 twice, then 200, ends in an attached picture; the outbox shows the progress meanwhile")
    func retriedDownload() async throws {
        try await MediaTestServer.with { media in
            try await media.serve("/flaky/photo.jpg", bytes: Self.photo, contentType: "image/jpeg", failFirst: 2)
            try await media.serve("/flaky/contact.vcf", bytes: try TestMedia.bytes("contact.vcf"), contentType: "text/vcard")
            let payload = try mmsCallback(
                id: "mms-flaky",
                media: [(media.url("/flaky/contact.vcf"), "contact.vcf", "text/vcard"), (media.url("/flaky/photo.jpg"), "photo.jpg", "image/jpeg")])
            try await withMediaRelay(media) { client, assembly, dir in
                #expect(try await postCallback(client, payload) == .ok)
                let store = assembly.store
                let admin = try await OutboxAdmin(settings: assembly.settings)
                try await eventually("media progress in the outbox listing") {
                    let listing = try await admin.list(status: "pending", limit: 5)
                    return listing.contains("pending") && listing.contains("media 1/2 fetched")
                }
                try await delivered(assembly)
                let tree = try await MIMETree.parse(try onlyMaildirMessage(dir.appendingPathComponent("mail")))
                #expect(tree.files.first { $0.filename == "photo.jpg" }?.sha256 == MIMETree.sha256(Self.photo))
                let entry = try #require(try await store.list(status: .sent, limit: 1).first)
                #expect(entry.attempts == 1, "waiting for media counts no delivery attempt")
            }
            #expect(try await media.hits("/flaky/photo.jpg") == 3)
        }
    }

    @Test("a media server that never answers delays the text only by the configured attempts")
    func hangingServer() async throws {
        try await MediaTestServer.with { media in
            try await media.hang("/hang/photo.jpg")
            let payload = try mmsCallback(id: "mms-hang", media: [(media.url("/hang/photo.jpg"), "photo.jpg", "image/jpeg")])
            try await withMediaRelay(media, extra: ["media_timeout_seconds": "1", "media_attempts": "2"]) { client, assembly, dir in
                #expect(try await postCallback(client, payload) == .ok)
                try await delivered(assembly)
                let tree = try await MIMETree.parse(try onlyMaildirMessage(dir.appendingPathComponent("mail")))
                #expect(tree.files.isEmpty)
                let text = try #require(tree.allParts.first { $0.type == "text/plain" }?.text)
                #expect(text.contains("after 2 attempts"), "\(text)")
                #expect(text.contains(media.url("/hang/photo.jpg")), "the link is kept")
            }
            #expect((1...2).contains(try await media.hits("/hang/photo.jpg")), "one request an attempt at most")
        }
    }

    @Test("an item over the limit stops the download early and stays a link")
    func overLimit() async throws {
        try await MediaTestServer.with { media in
            try await media.slowBody("/big/video.mp4", totalBytes: 64 << 20, declareLength: false)
            let payload = try mmsCallback(id: "mms-big", media: [(media.url("/big/video.mp4"), "video.mp4", "video/mp4")])
            try await withMediaRelay(media, extra: ["media_max_bytes": "65536"]) { client, assembly, dir in
                #expect(try await postCallback(client, payload) == .ok)
                try await delivered(assembly)
                let tree = try await MIMETree.parse(try onlyMaildirMessage(dir.appendingPathComponent("mail")))
                #expect(tree.files.isEmpty)
                let text = try #require(tree.allParts.first { $0.type == "text/plain" }?.text)
                #expect(text.contains("64 KB limit for one item"), "\(text)")
            }
            #expect(try await media.bytesWritten("/big/video.mp4") < 16 << 20)
        }
    }

    @Test("with media_fetch=false the email keeps the links and nothing is requested")
    func fetchOff() async throws {
        try await MediaTestServer.with { media in
            try await media.serve("/off/photo.jpg", bytes: Self.photo, contentType: "image/jpeg")
            let payload = try mmsCallback(id: "mms-off", media: [(media.url("/off/photo.jpg"), "photo.jpg", "image/jpeg")])
            try await withMediaRelay(media, extra: ["media_fetch": "false"]) { client, assembly, dir in
                #expect(try await postCallback(client, payload) == .ok)
                try await delivered(assembly)
                let tree = try await MIMETree.parse(try onlyMaildirMessage(dir.appendingPathComponent("mail")))
                #expect(tree.shape == "multipart/alternative(text/plain,text/html)")
                #expect(tree.allParts.first { $0.type == "text/html" }?.text?.contains(media.url("/off/photo.jpg")) == true)
            }
            #expect(try await media.hits("/off/photo.jpg") == 0)
        }
    }
}
