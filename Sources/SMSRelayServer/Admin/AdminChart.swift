import Foundation

/// The 24-hour volume as an inline SVG bar chart, drawn on the server: two bars an hour (texts
/// in, replies out), hour marks every six hours, and a `<title>` on each bar with its count for
/// screen readers and hover. Only numbers and fixed words go into it, so it needs no escaping;
/// its colours come from the page's style sheet (classes `in` and `out`).
enum AdminChart {
    static let width = 720
    static let height = 160
    static let top = 10
    static let bottom = 24

    static func svg(_ volume: AdminVolume, timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> String {
        let hours = max(volume.inbound.count, volume.outbound.count)
        let peak = max(1, (volume.inbound + volume.outbound).max() ?? 1)
        let slot = Double(width) / Double(max(hours, 1))
        let plot = Double(height - top - bottom)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \#(width) \#(height)" role="img" aria-label="Messages per hour, last 24 hours">"#
        out += #"<line class="axis" x1="0" y1="\#(height - bottom)" x2="\#(width)" y2="\#(height - bottom)"/>"#
        for hour in 0..<hours {
            let x = Double(hour) * slot
            let start = volume.start.addingTimeInterval(Double(hour) * 3600)
            let label = String(format: "%02d:00", calendar.component(.hour, from: start))
            for (index, (series, counts)) in [("in", volume.inbound), ("out", volume.outbound)].enumerated() {
                let count = hour < counts.count ? counts[hour] : 0
                let barHeight = Double(count) / Double(peak) * plot
                let barX = x + slot * (0.1 + 0.4 * Double(index))
                let words = series == "in" ? "texts in" : "replies out"
                out += #"<rect class="\#(series)" x="\#(format(barX))" y="\#(format(Double(height - bottom) - barHeight))" width="\#(format(slot * 0.38))" height="\#(format(barHeight))"><title>\#(label): \#(count) \#(words)</title></rect>"#
            }
            if hour % 6 == 0 {
                out += #"<text x="\#(format(x + 2))" y="\#(height - 6)">\#(label)</text>"#
            }
        }
        out += #"<text x="4" y="\#(top + 10)">max \#(peak) an hour</text>"#
        return out + "</svg>"
    }

    private static func format(_ value: Double) -> String {
        String(format: "%.1f", value)
    }
}
