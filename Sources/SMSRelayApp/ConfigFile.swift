import Foundation
import SMSRelayCore
import SMSRelayLambdaApp
import Yams

/// Reads the YAML config file (Yams): the server and `smsrelay lambda`; the lean Lambda
/// function links no YAML parser.
extension ConfigFile {
    package static func load(path: String) throws -> ConfigFile {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError("cannot read config file \(path): \(error.localizedDescription)")
        }
        return try parse(text, path: path)
    }

    package static func parse(_ text: String, path: String) throws -> ConfigFile {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch {
            throw ConfigError("config file \(path) is not valid YAML: \(error)")
        }
        guard let root else { return ConfigFile() }
        guard let mapping = root.mapping else {
            throw ConfigError("config file \(path) must be a mapping of settings at the top level")
        }
        let known = Set(SettingKey.all.map(\.name)).subtracting([SettingKey.config.name])
        var file = ConfigFile()
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { continue }
            if key == "routes" {
                file.routes = try parseRoutes(value, path: path)
            } else if key == "contacts" {
                file.contacts = try parseContacts(value, at: "contacts", path: path)
            } else if Self.listKeys.contains(key), let list = value.sequence {
                file.settings[key] = list.compactMap(\.string).joined(separator: ", ")
            } else if known.contains(key) {
                guard let scalar = value.scalar?.string else {
                    throw ConfigError("config file \(path): '\(key)' must be a single value")
                }
                file.settings[key] = scalar
            } else {
                let names = (known.sorted() + ["contacts", "routes"]).joined(separator: ", ")
                throw ConfigError("config file \(path): unknown setting '\(key)'; known ones are \(names)")
            }
        }
        return file
    }

    /// The settings that are lists, which the file may write as YAML sequences.
    static let listKeys: Set<String> = [
        SettingKey.mailTo.name, SettingKey.replyFrom.name, SettingKey.carriers.name, SettingKey.voipmsAllowedCIDRs.name,
        SettingKey.mediaTrustedHosts.name,
    ]

    private static func parseRoutes(_ node: Node, path: String) throws -> [String: RouteOverride] {
        guard let mapping = node.mapping else {
            throw ConfigError("config file \(path): 'routes' must map numbers to their settings")
        }
        var routes: [String: RouteOverride] = [:]
        for (keyNode, value) in mapping {
            guard let number = keyNode.string, !RoutingTable.normalize(number).isEmpty else {
                throw ConfigError("config file \(path): route key '\(keyNode.string ?? "?")' is not a phone number")
            }
            let at = "routes.\(number)"
            guard let fields = value.mapping else {
                throw ConfigError("config file \(path): '\(at)' must be a mapping (to, from, reply_from, *_template, contacts, carrier)")
            }
            var route = RouteOverride()
            for (fieldNode, fieldValue) in fields {
                let field = fieldNode.string ?? ""
                switch field {
                case "to":
                    if let list = fieldValue.sequence {
                        route.recipients = list.compactMap(\.string)
                    } else if let single = fieldValue.string {
                        route.recipients = single.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
                    }
                    if route.recipients?.isEmpty ?? true {
                        throw ConfigError("config file \(path): '\(at).to' must list at least one address")
                    }
                case "reply_from":
                    if let list = fieldValue.sequence {
                        route.replyFrom = list.compactMap(\.string)
                    } else if let single = fieldValue.string {
                        route.replyFrom = [single]
                    }
                case "from": route.sender = try scalar(fieldValue, "\(at).from", path)
                case "subject_template": route.templates.subject = try scalar(fieldValue, "\(at).subject_template", path)
                case "text_template": route.templates.text = try scalar(fieldValue, "\(at).text_template", path)
                case "html_template": route.templates.html = try scalar(fieldValue, "\(at).html_template", path)
                case "contacts": route.contacts = try parseContacts(fieldValue, at: "\(at).contacts", path: path)
                case "carrier":
                    let name = try scalar(fieldValue, "\(at).carrier", path)
                    guard let carrier = Carrier(named: name) else {
                        throw ConfigError("config file \(path): '\(at).carrier' is \(name); use one of \(Carrier.names)")
                    }
                    route.carrier = carrier
                default:
                    throw ConfigError(
                        "config file \(path): unknown field '\(at).\(field)'; "
                            + "use to, from, reply_from, subject_template, text_template, html_template, contacts, carrier")
                }
            }
            routes[number] = route
        }
        return routes
    }

    /// `contacts`: a mapping from a number to the name the emails show for it.
    private static func parseContacts(_ node: Node, at: String, path: String) throws -> [String: String] {
        guard let mapping = node.mapping else {
            throw ConfigError("config file \(path): '\(at)' must map numbers to names, e.g. \"12065550100\": Alice")
        }
        var contacts: [String: String] = [:]
        for (keyNode, value) in mapping {
            guard let number = keyNode.string else { continue }
            guard let name = value.scalar?.string else {
                throw ConfigError("config file \(path): '\(at).\(number)' must be a name")
            }
            contacts[number] = name
        }
        return contacts
    }

    private static func scalar(_ node: Node, _ at: String, _ path: String) throws -> String {
        guard let value = node.scalar?.string, !value.isEmpty else {
            throw ConfigError("config file \(path): '\(at)' must be a single non-empty value")
        }
        return value
    }
}
