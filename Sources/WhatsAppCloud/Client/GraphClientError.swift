import Foundation

/// Any failure of a Graph call, classified once so callers decide on retries from `errorClass` alone.
/// Its description never contains the access token.
public struct GraphClientError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: Hashable, Sendable {
        /// Graph answered with an error status (`graphError` is set when the body was the usual envelope).
        case graph
        /// The request never got an answer: connection failure, timeout, cancellation.
        case transport(String)
        /// Graph answered 2xx with a body that isn't what the endpoint returns (or `success: false`).
        case unexpectedResponse(String)
        /// The request could not be built.
        case invalidRequest(String)
    }

    public var kind: Kind
    /// nil when there was no answer.
    public var httpStatus: Int?
    public var graphError: GraphError?
    public var errorClass: GraphErrorClass

    public init(kind: Kind, httpStatus: Int?, graphError: GraphError?, errorClass: GraphErrorClass) {
        self.kind = kind
        self.httpStatus = httpStatus
        self.graphError = graphError
        self.errorClass = errorClass
    }

    /// An error status from Graph, classified by `GraphErrorClass.classify`.
    init(httpStatus: Int, body: [UInt8]) {
        let graphError = try? JSONDecoder().decode(GraphError.Envelope.self, from: Data(body)).error
        self.init(
            kind: .graph, httpStatus: httpStatus, graphError: graphError,
            errorClass: GraphErrorClass.classify(httpStatus: httpStatus, error: graphError))
    }

    /// No answer arrived; the request may not have reached Meta, so it may be tried again.
    init(transport description: String) {
        self.init(kind: .transport(description), httpStatus: nil, graphError: nil, errorClass: .retryable)
    }

    /// A 2xx whose body we can't read. Permanent: for a send, Meta probably accepted the message, and a
    /// retry would send it twice.
    init(unexpected description: String, httpStatus: Int) {
        self.init(kind: .unexpectedResponse(description), httpStatus: httpStatus, graphError: nil, errorClass: .permanent)
    }

    init(invalidRequest description: String) {
        self.init(kind: .invalidRequest(description), httpStatus: nil, graphError: nil, errorClass: .permanent)
    }

    public var description: String {
        var parts = ["Graph call failed"]
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let graphError {
            parts.append("code \(graphError.code)" + (graphError.errorSubcode.map { "/\($0)" } ?? ""))
            if let message = graphError.message { parts.append(message) }
            if let details = graphError.errorData?.details { parts.append(details) }
            if let trace = graphError.fbtraceID { parts.append("fbtrace_id \(trace)") }
        }
        switch kind {
        case .graph: break
        case .transport(let detail): parts.append("transport: \(detail)")
        case .unexpectedResponse(let detail): parts.append("unexpected response: \(detail)")
        case .invalidRequest(let detail): parts.append("invalid request: \(detail)")
        }
        parts.append("class \(errorClass)")
        return parts.joined(separator: ", ")
    }
}

/// Turns a status and body into a result. Separate from the transport so it can be tested on bytes.
public enum GraphResponse {
    /// The body of a 2xx answer; any other status becomes a classified `GraphClientError`.
    public static func checked(status: Int, body: [UInt8]) throws(GraphClientError) -> [UInt8] {
        guard (200...299).contains(status) else { throw GraphClientError(httpStatus: status, body: body) }
        return body
    }

    /// A 2xx answer decoded as `T`.
    public static func decode<T: Decodable>(_ type: T.Type, status: Int, body: [UInt8]) throws(GraphClientError) -> T {
        let body = try checked(status: status, body: body)
        do {
            return try JSONDecoder().decode(T.self, from: Data(body))
        } catch {
            throw GraphClientError(unexpected: "not a \(T.self): \(error)", httpStatus: status)
        }
    }

    /// A 2xx `{"success": true}` answer.
    public static func success(status: Int, body: [UInt8]) throws(GraphClientError) {
        guard try decode(SuccessResponse.self, status: status, body: body).success else {
            throw GraphClientError(unexpected: "success is false", httpStatus: status)
        }
    }
}
