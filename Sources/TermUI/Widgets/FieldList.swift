/// Label/value pairs in two aligned columns (an overview panel).
public struct FieldList: Sendable, Equatable {
    public var fields: [(label: String, value: String)]

    public init(_ fields: [(label: String, value: String)]) { self.fields = fields }

    public static func == (a: FieldList, b: FieldList) -> Bool {
        a.fields.map(\.label) == b.fields.map(\.label) && a.fields.map(\.value) == b.fields.map(\.value)
    }

    public func render(into buffer: inout CellBuffer, rect: Rect, context: RenderContext) {
        let labelWidth = min((fields.map { CellWidth.of($0.label) }.max() ?? 0) + 2, rect.width / 2)
        for (i, field) in fields.enumerated() where i < rect.height {
            buffer.write(CellWidth.fit(field.label, labelWidth), x: rect.x, y: rect.y + i, style: context.theme[.label], clip: rect)
            buffer.write(field.value, x: rect.x + labelWidth, y: rect.y + i, style: context.theme[.value], clip: rect)
        }
    }
}
