import Fluent
import Foundation

extension QueryBuilder {
    /// Rows after (key, id) in the order `descending` gives: the keyset condition of cursor paging,
    /// stable when keys tie because the id breaks the tie.
    @discardableResult
    func after<Value: Codable & Sendable>(_ key: KeyPath<Model, FieldProperty<Model, Value>>, _ value: Value, id: UUID,
                                          descending: Bool) -> Self where Model.IDValue == UUID {
        let beyond: DatabaseQuery.Filter.Method = descending ? .lessThan : .greaterThan
        return group(.or) { or in
            or.filter(key, beyond, value)
            or.group(.and) { $0.filter(key, .equal, value).filter(\._$id, beyond, id) }
        }
    }
}
