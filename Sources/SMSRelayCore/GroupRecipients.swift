/// The other numbers of a group message, as ``InboundMessage/groupRecipients`` lists them.
enum GroupRecipients {
    /// `numbers` in order without those of `excluded` (the sender, our number) and without
    /// repeats, numbers being compared by their digits (`+12065550100` is `12065550100`).
    static func others(in numbers: [String], excluding excluded: [String]) -> [String] {
        var seen = Set(excluded.map(RoutingTable.normalize))
        return numbers.filter { seen.insert(RoutingTable.normalize($0)).inserted }
    }
}
