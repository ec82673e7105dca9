extension String {
    /// The string made safe inside a double-quoted HTML attribute. Plot escapes text nodes but writes attribute
    /// values exactly as given, so every value that is not a constant (names, searches, typed input) goes through
    /// this; otherwise a `"` in it would end the attribute and let markup in.
    var attributeEscaped: String {
        var escaped = ""
        escaped.reserveCapacity(count)
        for character in self {
            switch character {
            case "&": escaped += "&amp;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
