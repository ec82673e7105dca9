import Foundation
import Testing
import WhatsAppCloud
import WhatsAppFixtures

@Suite struct JSONValueTests {
    @Test func decodesEveryKindDistinctly() throws {
        let text = #"{"n":null,"t":true,"i":1,"d":1.5,"s":"x","a":[1,"2"],"o":{"k":false}}"#
        let value = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        #expect(value == ["n": nil, "t": true, "i": 1, "d": 1.5, "s": "x", "a": [1, "2"], "o": ["k": false]])
        #expect(value["i"] == .int(1))
        #expect(value["t"] == .bool(true))
        #expect(value["a"]?[1]?.stringValue == "2")
        #expect(value["a"]?[2] == nil)
        #expect(value["s"]?["k"] == nil)
    }

    @Test func keepsIntegersBeyondDoublePrecision() throws {
        let big: Int64 = 9_007_199_254_740_993  // 2^53 + 1: a Double would round it
        let value = try JSONDecoder().decode(JSONValue.self, from: Data("[\(big)]".utf8))
        #expect(value[0]?.intValue == big)
        #expect(String(decoding: try JSONEncoder().encode(value), as: UTF8.self) == "[\(big)]")
    }

    @Test func roundTripsThroughEncoding() throws {
        let value: JSONValue = ["emoji": "😀", "list": [1, 2.25, nil, ["deep": [true]]]]
        #expect(try jsonValue(of: value) == value)
    }
}
