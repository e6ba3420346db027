/// Charts as accessible SVG documents: a `<title>` and `<desc>`, every mark labelled with its
/// value, a colour-blind-safe sequential scale (viridis) with a legend, and suppressed values
/// drawn as such (hatched, labelled), never as zero. Sized to read on a slide.
public enum Charts {
    /// Viridis in seven steps, light to dark, each with the text colour that reads on it.
    static let scale: [(fill: String, text: String)] = [
        ("#fde725", "#000000"), ("#a0da39", "#000000"), ("#4ac16d", "#000000"), ("#1fa187", "#000000"),
        ("#277f8e", "#ffffff"), ("#365c8d", "#ffffff"), ("#46327e", "#ffffff"),
    ]
    public static let suppressedLabel = "suppressed"

    /// The scale step of `value` between 1 and `maximum`.
    static func step(_ value: Int, maximum: Int) -> Int {
        guard maximum > 1 else { return scale.count - 1 }
        return min(scale.count - 1, (value - 1) * scale.count / maximum)
    }

    private static func header(_ writer: inout XMLWriter, width: Int, height: Int, title: String, description: String) {
        writer.start(
            "svg",
            [
                "xmlns": "http://www.w3.org/2000/svg", "width": "\(width)", "height": "\(height)",
                "viewBox": "0 0 \(width) \(height)", "role": "img", "aria-labelledby": "chart-title chart-desc",
                "font-family": "sans-serif",
            ])
        writer.element("title", ["id": "chart-title"], text: title)
        writer.element("desc", ["id": "chart-desc"], text: description)
        writer.start("defs")
        writer.start("pattern", ["id": "suppressed", "width": "8", "height": "8", "patternUnits": "userSpaceOnUse"])
        writer.empty("rect", ["width": "8", "height": "8", "fill": "#f2f2f2"])
        writer.empty("path", ["d": "M0,8 L8,0", "stroke": "#8c8c8c", "stroke-width": "1.5"])
        writer.close()
        writer.close()
        writer.empty("rect", ["width": "\(width)", "height": "\(height)", "fill": "#ffffff"])
    }

    /// A matrix of counts: one row per `rows` label, one column per `columns` label; a nil
    /// count is suppressed, a zero is an empty cell.
    public static func heatmap(
        title: String, description: String, rows: [String], columns: [String], counts: [[Int?]], note: String
    ) -> String {
        let cell = 56
        let notes = wrap(note)
        let rowLabelWidth = 30 + 8 * min(rows.map(\.count).max() ?? 0, labelLimit)
        // Column labels run up and right at 45°: about 5 px of height and width per character.
        let labelSpan = 5 * min(columns.map(\.count).max() ?? 0, labelLimit) + 10
        let top = 56 + 18 * notes.count + labelSpan
        let width = max(rowLabelWidth + cell * max(columns.count, 1) + labelSpan + 20, 40 + 7 * lineLength)
        let legendTop = top + cell * max(rows.count, 1) + 30
        let height = legendTop + 60
        let maximum = counts.flatMap { $0 }.compactMap { $0 }.max() ?? 0
        var writer = XMLWriter()
        header(&writer, width: width, height: height, title: title, description: description)
        heading(&writer, title: title, notes: notes)
        for (index, column) in columns.enumerated() {
            let x = rowLabelWidth + index * cell + cell / 2
            writer.element(
                "text",
                [
                    "x": "\(x)", "y": "\(top - 10)", "font-size": "13", "text-anchor": "start",
                    "transform": "rotate(-45 \(x) \(top - 10))",
                ], text: shortened(column))
        }
        for (rowIndex, row) in rows.enumerated() {
            let y = top + rowIndex * cell
            writer.element(
                "text",
                ["x": "\(rowLabelWidth - 10)", "y": "\(y + cell / 2 + 5)", "font-size": "14", "text-anchor": "end"],
                text: row)
            for (columnIndex, column) in columns.enumerated() {
                let x = rowLabelWidth + columnIndex * cell
                let count =
                    rowIndex < counts.count && columnIndex < counts[rowIndex].count ? counts[rowIndex][columnIndex] : 0
                let label = count.map(String.init) ?? suppressedLabel
                writer.start("g", ["role": "img", "aria-label": "\(row), \(column): \(label)"])
                writer.element("title", text: "\(row), \(column): \(label)")
                let (fill, ink): (String, String)
                if let count, count > 0 {
                    (fill, ink) = scale[step(count, maximum: maximum)]
                } else if count == nil {
                    (fill, ink) = ("url(#suppressed)", "#333333")
                } else {
                    (fill, ink) = ("#ffffff", "#767676")
                }
                writer.empty(
                    "rect",
                    [
                        "x": "\(x + 1)", "y": "\(y + 1)", "width": "\(cell - 2)", "height": "\(cell - 2)", "fill": fill,
                        "stroke": "#d0d0d0",
                    ])
                writer.element(
                    "text",
                    [
                        "x": "\(x + cell / 2)", "y": "\(y + cell / 2 + 5)", "font-size": count == nil ? "11" : "15",
                        "text-anchor": "middle", "fill": ink,
                    ], text: count == nil ? "supp." : String(count!))
                writer.close()
            }
        }
        legend(&writer, top: legendTop, maximum: maximum)
        writer.close()
        return writer.text
    }

    /// A bar per label (a month), its height the count; a nil count is drawn hatched at full
    /// height and labelled suppressed.
    public static func bars(title: String, description: String, labels: [String], counts: [Int?], note: String)
        -> String
    {
        // Wide enough for a label of seven characters (`2026-01`) beside the next.
        let barWidth = 56
        let left = 60
        let notes = wrap(note)
        let top = 80 + 18 * notes.count
        let plotHeight = 220
        let width = max(left + barWidth * max(labels.count, 1) + 30, 40 + 7 * lineLength)
        let height = top + plotHeight + 50
        let maximum = max(counts.compactMap { $0 }.max() ?? 0, 1)
        var writer = XMLWriter()
        header(&writer, width: width, height: height, title: title, description: description)
        heading(&writer, title: title, notes: notes)
        writer.empty(
            "line",
            [
                "x1": "\(left)", "y1": "\(top + plotHeight)", "x2": "\(width - 20)", "y2": "\(top + plotHeight)",
                "stroke": "#333333",
            ])
        for (index, label) in labels.enumerated() {
            let x = left + index * barWidth
            let count = index < counts.count ? counts[index] : 0
            let text = count.map(String.init) ?? suppressedLabel
            writer.start("g", ["role": "img", "aria-label": "\(label): \(text)"])
            writer.element("title", text: "\(label): \(text)")
            let barHeight = count.map { $0 * plotHeight / maximum } ?? plotHeight
            writer.empty(
                "rect",
                [
                    "x": "\(x + 4)", "y": "\(top + plotHeight - barHeight)", "width": "\(barWidth - 8)",
                    "height": "\(barHeight)", "fill": count == nil ? "url(#suppressed)" : scale[4].fill,
                ])
            writer.element(
                "text",
                [
                    "x": "\(x + barWidth / 2)", "y": "\(top + plotHeight - barHeight - 6)", "font-size": "12",
                    "text-anchor": "middle",
                ], text: count == nil ? "supp." : String(count!))
            writer.element(
                "text",
                [
                    "x": "\(x + barWidth / 2)", "y": "\(top + plotHeight + 18)", "font-size": "11",
                    "text-anchor": "middle",
                ], text: label)
            writer.close()
        }
        writer.close()
        return writer.text
    }

    /// Characters per line of a note, and of a label before it is shortened (the full text is
    /// in the mark's `<title>` and `aria-label`).
    static let lineLength = 90
    static let labelLimit = 34

    static func wrap(_ text: String) -> [String] {
        var lines: [String] = []
        var line = ""
        for word in text.split(separator: " ") {
            if !line.isEmpty && line.count + 1 + word.count > lineLength {
                lines.append(line)
                line = ""
            }
            line += line.isEmpty ? String(word) : " " + word
        }
        return line.isEmpty ? lines : lines + [line]
    }

    static func shortened(_ label: String) -> String {
        label.count <= labelLimit ? label : String(label.prefix(labelLimit - 1)) + "…"
    }

    private static func heading(_ writer: inout XMLWriter, title: String, notes: [String]) {
        writer.element("text", ["x": "20", "y": "32", "font-size": "20", "font-weight": "bold"], text: title)
        for (index, line) in notes.enumerated() {
            writer.element(
                "text", ["x": "20", "y": "\(56 + 18 * index)", "font-size": "13", "fill": "#333333"], text: line)
        }
    }

    private static func legend(_ writer: inout XMLWriter, top: Int, maximum: Int) {
        writer.start("g", ["role": "img", "aria-label": "Legend: darker is more; hatched is suppressed"])
        writer.element("text", ["x": "20", "y": "\(top + 14)", "font-size": "13"], text: "Members")
        // Each step of the scale with the range of counts drawn in it.
        var ranges: [(step: Int, low: Int, high: Int)] = []
        for value in stride(from: 1, through: maximum, by: 1) {
            let step = step(value, maximum: maximum)
            if let last = ranges.last, last.step == step {
                ranges[ranges.count - 1].high = value
            } else {
                ranges.append((step, value, value))
            }
        }
        for (index, range) in ranges.enumerated() {
            let x = 90 + index * 60
            writer.empty(
                "rect", ["x": "\(x)", "y": "\(top)", "width": "56", "height": "20", "fill": scale[range.step].fill])
            writer.element(
                "text", ["x": "\(x + 28)", "y": "\(top + 36)", "font-size": "12", "text-anchor": "middle"],
                text: range.low == range.high ? "\(range.low)" : "\(range.low)–\(range.high)")
        }
        let zero = 90 + ranges.count * 60 + 20
        writer.empty(
            "rect",
            ["x": "\(zero)", "y": "\(top)", "width": "56", "height": "20", "fill": "#ffffff", "stroke": "#d0d0d0"])
        writer.element(
            "text", ["x": "\(zero + 28)", "y": "\(top + 36)", "font-size": "12", "text-anchor": "middle"], text: "0")
        let x = zero + 76
        writer.empty(
            "rect",
            [
                "x": "\(x)", "y": "\(top)", "width": "56", "height": "20", "fill": "url(#suppressed)",
                "stroke": "#d0d0d0",
            ])
        writer.element(
            "text", ["x": "\(x + 28)", "y": "\(top + 36)", "font-size": "12", "text-anchor": "middle"],
            text: suppressedLabel)
        writer.close()
    }
}
