import Foundation
import Vapor

extension Response {
    /// A JSON answer from any `Encodable`.
    static func json(_ value: some Encodable, status: HTTPResponseStatus = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        let body = (try? encoder.encode(value)) ?? Data("{}".utf8)
        return Response(status: status, headers: ["Content-Type": "application/json; charset=UTF-8"], body: .init(data: body))
    }
}

extension Request {
    /// The collected body, empty when there is none.
    var bodyBytes: [UInt8] { body.data.map { Array($0.readableBytesView) } ?? [] }
}
