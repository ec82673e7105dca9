import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOPosix
import Vapor

// HTTP load for the benchmarks, three modes:
//   WebhookLoad baseline --port P [--host H]
//       a bare Vapor server whose POST /webhooks/whatsapp collects the body and answers 200: the inbound ceiling.
//   WebhookLoad fire --url URL --app-secret S --phone-number-id ID [--business-account-id ID]
//                    --concurrency C --duration SECONDS [--warmup SECONDS] [--threads N] [--first N] [--json OUT]
//       keeps C signed Meta `messages` deliveries in flight over keep-alive HTTP/1.1 connections, each with a
//       new wamid (wamid.bench.N, N counting from --first), and reports throughput and latency of the measured
//       phase. Every answer must be 200. (Benchmarks/run-inbound.sh)
//   WebhookLoad send --url GRAPH_MESSAGES_URL --token T [same load flags]
//       the same load of `hello_world` template sends posted straight to a Graph `/{pnid}/messages` endpoint (the
//       emulator), each to a new recipient: what the provider side absorbs, the outbound ceiling.
//       (Benchmarks/run-outbound.sh)

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("WebhookLoad: \(message)\n".utf8))
    exit(2)
}

func flags(_ arguments: ArraySlice<String>) -> [String: String] {
    var result: [String: String] = [:]
    var iterator = arguments.makeIterator()
    while let flag = iterator.next() {
        guard flag.hasPrefix("--"), let value = iterator.next() else { fail("expected --flag value, got '\(flag)'") }
        result[String(flag.dropFirst(2))] = value
    }
    return result
}

// MARK: - baseline

/// The same Vapor defaults as `switchboard serve` (production environment, 64kb default body, the webhook route
/// collecting up to 1 MiB), without middleware, database or anything else.
func runBaseline(_ options: [String: String]) async throws {
    guard let port = options["port"] else { fail("baseline needs --port") }
    LoggingSystem.bootstrap { label in
        var handler = StreamLogHandler.standardOutput(label: label)
        handler.logLevel = .warning
        return handler
    }
    let app = try await Application.make(Environment(
        name: "production",
        arguments: ["WebhookLoad", "serve", "--hostname", options["host"] ?? "127.0.0.1", "--port", port]))
    app.middleware = Middlewares()
    app.routes.defaultMaxBodySize = "64kb"
    app.on(.POST, "webhooks", "whatsapp", body: .collect(maxSize: ByteCount(value: 1 << 20))) { req -> Response in
        _ = req.body.data?.readableBytes
        var headers = HTTPHeaders()
        headers.contentType = .json
        return Response(status: .ok, headers: headers, body: .init(string: #"{"received":true}"#))
    }
    try await app.execute()
    try await app.asyncShutdown()
}

// MARK: - fire

struct Delivery {
    static let firstNames = ["Ada", "Grace", "Alan", "Linus", "Margaret", "Dennis", "Barbara", "Ken", "Frances", "Edsger",
                             "Hedy", "Niklaus", "Radia", "Tim", "Shafi", "Donald", "Karen", "John", "Sophie", "Leslie"]
    static let lastNames = ["Lovelace", "Hopper", "Turing", "Torvalds", "Hamilton", "Ritchie", "Liskov", "Thompson",
                            "Allen", "Dijkstra", "Lamarr", "Wirth", "Perlman", "Berners-Lee", "Goldwasser", "Knuth",
                            "Spärck Jones", "Backus", "Wilson", "Lamport", "Ng", "Okafor", "Silva", "Kowalski", "Haddad",
                            "Yamamoto", "Novak", "Fischer", "Moreau", "Rossi", "Jensen", "Kaur", "Nakamura", "Costa",
                            "Müller", "Ivanova", "Mensah", "Popescu", "Andersen", "Reyes", "Dubois", "Schmidt", "Olsen",
                            "Tanaka", "Park", "Ali", "Cohen", "Horvat", "Petrov", "Lindqvist"]
    static let texts = ["Hi, is my order on its way?", "Can I change the delivery address?", "Thanks, that worked!",
                        "What are your opening hours on Saturday?", "I'd like to book a table for two at 8pm, please.",
                        "The link in your last message doesn't open for me.", "👍", "Could you send me the invoice again?"]

    /// (wa_id, profile name) of each sender, precomputed so the generator spends its CPU on sending.
    static let senders: [(waID: String, name: String)] = (0..<1000).map { i in
        (String(4_915_100_000_000 + i), "\(firstNames[i % firstNames.count]) \(lastNames[i / firstNames.count])")
    }

    let phoneNumberID: String
    let businessAccountID: String
    let key: SymmetricKey

    /// The n-th delivery: one inbound text message from one of 1,000 senders, as Meta sends it.
    func body(_ n: Int) -> [UInt8] {
        let sender = Self.senders[(n &* 7919) % Self.senders.count]
        let text = Self.texts[n % Self.texts.count]
        let timestamp = Int(Date().timeIntervalSince1970)
        let json = """
        {"object":"whatsapp_business_account","entry":[{"id":"\(businessAccountID)","changes":[{"value":{\
        "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550101000","phone_number_id":"\(phoneNumberID)"},\
        "contacts":[{"profile":{"name":"\(sender.name)"},"wa_id":"\(sender.waID)"}],\
        "messages":[{"from":"\(sender.waID)","id":"wamid.bench.\(n)","timestamp":"\(timestamp)","text":{"body":"\(text)"},"type":"text"}]},\
        "field":"messages"}]}]}
        """
        return Array(json.utf8)
    }

    func signature(_ body: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex = Array("sha256=".utf8)
        for byte in HMAC<SHA256>.authenticationCode(for: body, using: key) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }
}

/// What one worker saw in one phase.
struct Tally: Sendable {
    var latencies: [Double] = []
    var acknowledged = 0
    var refused: [String] = []
    var errors: [String] = []

    mutating func merge(_ other: Tally) {
        latencies += other.latencies
        acknowledged += other.acknowledged
        refused += other.refused
        errors += other.errors
    }
}

/// User + system CPU time of this process so far.
func processCPUSeconds() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

func milliseconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
}

/// A template send to the n-th recipient, as a Graph client posts it.
struct GraphSend {
    let token: String

    func body(_ n: Int) -> [UInt8] {
        Array(#"{"messaging_product":"whatsapp","to":"\#(String(4_917_000_000_000 + n))","type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}}"#.utf8)
    }
}

/// Builds the n-th request of a load: its body and headers.
typealias RequestMaker = @Sendable (Int) -> (body: [UInt8], headers: [(String, String)])

/// Runs `concurrency` workers, each sending one request at a time until `seconds` have passed.
/// Worker w sends requests w + k·concurrency from `firstIndex`, so every wamid or recipient is new.
func phase(client: HTTPClient, url: String, make: @escaping RequestMaker, concurrency: Int, seconds: Double,
           firstIndex: Int) async -> (tally: Tally, elapsed: Duration, next: Int) {
    let start = ContinuousClock.now
    let deadline = start + .milliseconds(Int(seconds * 1000))
    let results = await withTaskGroup(of: (Tally, Int).self) { group in
        for worker in 0..<concurrency {
            group.addTask {
                var tally = Tally()
                var k = 0
                while ContinuousClock.now < deadline {
                    let (body, headers) = make(firstIndex + worker + k * concurrency)
                    k += 1
                    var request = HTTPClientRequest(url: url)
                    request.method = .POST
                    request.headers.add(name: "Content-Type", value: "application/json")
                    for (name, value) in headers { request.headers.add(name: name, value: value) }
                    request.body = .bytes(ByteBuffer(bytes: body))
                    let sent = ContinuousClock.now
                    do {
                        let response = try await client.execute(request, timeout: .seconds(30))
                        let answer = try await response.body.collect(upTo: 1 << 20)
                        tally.latencies.append(milliseconds(ContinuousClock.now - sent))
                        if response.status == .ok {
                            tally.acknowledged += 1
                        } else {
                            tally.refused.append("\(response.status.code) \(String(buffer: answer).prefix(300))")
                        }
                    } catch {
                        tally.errors.append(String(describing: error))
                    }
                }
                return (tally, k)
            }
        }
        var total = Tally()
        var rounds = 0
        for await (tally, count) in group {
            total.merge(tally)
            rounds = max(rounds, count)
        }
        return (total, rounds)
    }
    // The next phase starts past the highest index any worker used.
    return (results.0, ContinuousClock.now - start, firstIndex + results.1 * concurrency)
}

func runFire(_ options: [String: String]) async throws {
    guard let url = options["url"], let secret = options["app-secret"], let phoneNumberID = options["phone-number-id"] else {
        fail("fire needs --url, --app-secret and --phone-number-id")
    }
    let delivery = Delivery(phoneNumberID: phoneNumberID, businessAccountID: options["business-account-id"] ?? "100000000000099",
                            key: SymmetricKey(data: Data(secret.utf8)))
    try await runLoad(url: url, options: options) { n in
        let body = delivery.body(n)
        return (body, [("X-Hub-Signature-256", delivery.signature(body))])
    }
}

func runSend(_ options: [String: String]) async throws {
    guard let url = options["url"], let token = options["token"] else { fail("send needs --url and --token") }
    let send = GraphSend(token: token)
    try await runLoad(url: url, options: options) { n in (send.body(n), [("Authorization", "Bearer \(send.token)")]) }
}

/// Warm-up, then the measured phase; prints and optionally writes (--json) what it measured. Exits 1 on any
/// answer other than 200 or any transport error.
func runLoad(url: String, options: [String: String], make: @escaping RequestMaker) async throws {
    let concurrency = Int(options["concurrency"] ?? "32") ?? 32
    let duration = Double(options["duration"] ?? "15") ?? 15
    let warmup = Double(options["warmup"] ?? "3") ?? 3
    // The load generator shares the machine with the server; one event loop keeps its share small.
    let threads = Int(options["threads"] ?? "1") ?? 1

    var configuration = HTTPClient.Configuration()
    configuration.httpVersion = .http1Only
    configuration.connectionPool = .init(idleTimeout: .seconds(120), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)
    let group = MultiThreadedEventLoopGroup(numberOfThreads: threads)
    let client = HTTPClient(eventLoopGroup: group, configuration: configuration)

    var next = Int(options["first"] ?? "0") ?? 0
    var warm = Tally()
    if warmup > 0 {
        let result = await phase(client: client, url: url, make: make, concurrency: concurrency, seconds: warmup, firstIndex: next)
        warm = result.tally
        next = result.next
    }
    let measured = await phase(client: client, url: url, make: make, concurrency: concurrency, seconds: duration,
                               firstIndex: next)
    try await client.shutdown()
    try await group.shutdownGracefully()

    var tally = measured.tally
    let seconds = milliseconds(measured.elapsed) / 1000
    let sorted = tally.latencies.sorted()
    func percentile(_ p: Double) -> Double {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * p).rounded(.up)) - 1))]
    }
    tally.merge(warm)
    let report: [String: Double] = [
        "concurrency": Double(concurrency), "duration_s": seconds, "requests": Double(sorted.count),
        "throughput": Double(sorted.count) / seconds,
        "p50_ms": percentile(0.50), "p99_ms": percentile(0.99), "max_ms": sorted.last ?? 0,
        // Over both phases: the database (or the emulator) must hold exactly `acknowledged` requests.
        "acknowledged": Double(tally.acknowledged), "non_200": Double(tally.refused.count), "errors": Double(tally.errors.count),
        // So the script can tell the generator's share of the machine from other processes'.
        "client_cpu_s": processCPUSeconds(),
    ]
    func format(_ value: Double) -> String { String(format: "%.3f", value) }
    print("\(url): \(sorted.count) requests in \(format(seconds)) s at concurrency \(concurrency): "
        + "\(Int(report["throughput"]!))/s, p50 \(format(percentile(0.50))) ms, p99 \(format(percentile(0.99))) ms, "
        + "max \(format(sorted.last ?? 0)) ms")
    print("acknowledged (warm-up included): \(tally.acknowledged), non-200: \(tally.refused.count), errors: \(tally.errors.count)")
    for line in tally.refused.prefix(5) { print("  non-200: \(line)") }
    for line in tally.errors.prefix(5) { print("  error: \(line)") }
    if let path = options["json"] {
        let data = try JSONSerialization.data(withJSONObject: report, options: [.sortedKeys, .prettyPrinted])
        try data.write(to: URL(fileURLWithPath: path))
    }
    if !tally.refused.isEmpty || !tally.errors.isEmpty { exit(1) }
}

let arguments = CommandLine.arguments
switch arguments.count > 1 ? arguments[1] : "" {
case "baseline": try await runBaseline(flags(arguments.dropFirst(2)))
case "fire": try await runFire(flags(arguments.dropFirst(2)))
case "send": try await runSend(flags(arguments.dropFirst(2)))
default: fail("usage: WebhookLoad baseline --port P | fire --url URL --app-secret S --phone-number-id ID ... | send --url URL --token T ...")
}
