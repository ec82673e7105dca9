import Foundation
import Testing
import WhatsAppCloud
import WhatsAppFixtures

/// Every code in the facts file's error table, at HTTP 400 (how Meta sends most of them).
@Suite struct GraphErrorClassTests {
    static let expectations: [(code: Int, errorClass: GraphErrorClass)] =
        [(0, .reauthorize), (190, .reauthorize), (131047, .windowClosed),
         (130429, .throttled(scope: .phoneNumber)), (131056, .throttled(scope: .pair)),
         (4, .throttled(scope: .app)), (80007, .throttled(scope: .businessAccount))]
        + [1, 2, 131000, 131016, 131057, 133004].map { ($0, GraphErrorClass.retryable) }
        + [3, 10, 100, 200, 299, 368, 613, 130472, 130497, 131005, 131008, 131009, 131021, 131026, 131030,
           131031, 131037, 131042, 131044, 131048, 131049, 131050, 131051, 131052, 131053, 131062, 131063,
           131064, 132000, 132001, 132005, 132007, 132008, 132012, 132015, 132016, 132068, 132069, 133000,
           133005, 133006, 133007, 133008, 133009, 133010, 133016, 135000].map { ($0, GraphErrorClass.permanent) }

    @Test(arguments: expectations)
    func classifiesCode(code: Int, errorClass: GraphErrorClass) {
        #expect(GraphErrorClass.classify(httpStatus: 400, error: GraphError(code: code)) == errorClass)
        #expect(GraphErrorClass.classify(httpStatus: 400, error: GraphError(code: code)).isRetryable == errorClass.isRetryable)
    }

    @Test func retryableMeansRetryableOrThrottled() {
        #expect(GraphErrorClass.retryable.isRetryable)
        #expect(GraphErrorClass.throttled(scope: .pair).isRetryable)
        #expect(!GraphErrorClass.windowClosed.isRetryable)
        #expect(!GraphErrorClass.reauthorize.isRetryable)
        #expect(!GraphErrorClass.permanent.isRetryable)
    }

    @Test func transientFlagAndServerErrorsAreRetryable() {
        #expect(GraphErrorClass.classify(httpStatus: 400, error: GraphError(code: 100, isTransient: true)) == .retryable)
        #expect(GraphErrorClass.classify(httpStatus: 400, error: GraphError(code: 100, isTransient: false)) == .permanent)
        #expect(GraphErrorClass.classify(httpStatus: 500, error: GraphError(code: 100)) == .retryable)
        #expect(GraphErrorClass.classify(httpStatus: 503, error: nil) == .retryable)
        #expect(GraphErrorClass.classify(httpStatus: 500, error: GraphError(code: 131000)) == .retryable)
    }

    @Test func codeWinsOverStatus() {
        #expect(GraphErrorClass.classify(httpStatus: 500, error: GraphError(code: 190)) == .reauthorize)
        #expect(GraphErrorClass.classify(httpStatus: 503, error: GraphError(code: 131047)) == .windowClosed)
        #expect(GraphErrorClass.classify(httpStatus: 400, error: GraphError(code: 80007, errorSubcode: 2_446_079, isTransient: true)) == .throttled(scope: .businessAccount))
    }

    @Test func statusAloneWithoutAnErrorBody() {
        #expect(GraphErrorClass.classify(httpStatus: 401, error: nil) == .reauthorize)
        #expect(GraphErrorClass.classify(httpStatus: 429, error: nil) == .retryable)
        #expect(GraphErrorClass.classify(httpStatus: 408, error: nil) == .retryable)
        #expect(GraphErrorClass.classify(httpStatus: 400, error: nil) == .permanent)
        #expect(GraphErrorClass.classify(httpStatus: 404, error: nil) == .permanent)
        #expect(GraphErrorClass.classify(httpStatus: nil, error: nil) == .permanent)
    }

    @Test func decodesTheFullEnvelope() throws {
        let json = #"""
            {"error":{"message":"(#131030) Recipient phone number not in allowed list","type":"OAuthException",
            "code":131030,"error_subcode":2494010,"error_data":{"messaging_product":"whatsapp","details":"Add it first"},
            "fbtrace_id":"AXsg","is_transient":false,"error_user_title":"Not allowed","error_user_msg":"Add the number"}}
            """#
        let error = try JSONDecoder().decode(GraphError.Envelope.self, from: Data(json.utf8)).error
        #expect(
            error
                == GraphError(
                    code: 131030, message: "(#131030) Recipient phone number not in allowed list", type: "OAuthException",
                    errorSubcode: 2_494_010, errorData: .init(messagingProduct: "whatsapp", details: "Add it first"),
                    fbtraceID: "AXsg", isTransient: false, errorUserTitle: "Not allowed", errorUserMsg: "Add the number"))
        #expect(try jsonValue(of: GraphError.Envelope(error: error)) == JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)))
    }
}
