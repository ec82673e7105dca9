import Fluent
import Foundation

extension Sequence where Element: Model, Element.IDValue == UUID {
    /// The rows by id, for joining the results of a few batched queries in memory.
    var byID: [UUID: Element] {
        Dictionary(compactMap { row in row.id.map { ($0, row) } }, uniquingKeysWith: { first, _ in first })
    }
}
