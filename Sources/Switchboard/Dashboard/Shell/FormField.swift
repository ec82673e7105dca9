import Plot

/// A labelled input with the server's error for that field shown right under it.
enum FormField {
    static func input(_ label: String, name: String, type: HTMLInputType = .text, value: String? = nil, required: Bool = false,
                      placeholder: String? = nil, flash: Flash?) -> Node<HTML.FormContext> {
        .label(.text(label),
               .input(.type(type), .name(name), .value((value ?? "").attributeEscaped), .required(required),
                      .placeholder((placeholder ?? "").attributeEscaped)),
               error(name, flash))
    }

    static func error<Context>(_ name: String, _ flash: Flash?) -> Node<Context> {
        guard let message = flash?.fields.first(where: { $0.field == name })?.message else { return .empty }
        return .element(named: "span", nodes: [.attribute(named: "class", value: "field-error"), .attribute(named: "data-field", value: name),
                                                .text(message)])
    }

    static func checkbox(_ label: String, name: String, checked: Bool) -> Node<HTML.FormContext> {
        .label(checked
               ? .input(.type(.checkbox), .name(name), .value("true"), .attribute(named: "checked", value: "checked"))
               : .input(.type(.checkbox), .name(name), .value("true")),
               .text(" " + label))
    }

    static func select<Context>(name: String, options: [(value: String, label: String)], selected: String?) -> Node<Context> {
        .element(named: "select", nodes: options.map { option -> Node<Context> in
            option.value == selected
                ? .element(named: "option", nodes: [.attribute(named: "value", value: option.value), .attribute(named: "selected", value: "selected"), .text(option.label)])
                : .element(named: "option", nodes: [.attribute(named: "value", value: option.value), .text(option.label)])
        } + [.attribute(named: "name", value: name)])
    }
}
