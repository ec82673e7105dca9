import Foundation
@testable import Switchboard
import Testing

@Suite("Configuration")
struct ConfigTests {
    @Test("defaults: SQLite and a key file in ./switchboard-data, 127.0.0.1:8080")
    func defaults() throws {
        let config = try SwitchboardConfig.load(environment: [:], workingDirectory: "/srv")
        #expect(config.database == .sqlite(path: "/srv/switchboard-data/switchboard.sqlite"))
        #expect(config.masterKey == .file(path: "/srv/switchboard-data/master.key"))
        #expect(config.host == "127.0.0.1" && config.port == 8080)
        #expect(!config.secureCookies)
        #expect(config.webhookTargets == .publicOnly)
    }

    @Test("values that are given are used")
    func given() throws {
        let key = Data(repeating: 7, count: 32).base64EncodedString()
        let config = try SwitchboardConfig.load(environment: [
            "DATABASE_URL": "postgres://u:p@127.0.0.1:5432/sb", "SWITCHBOARD_MASTER_KEY": key, "PORT": "9000",
            "LOG_LEVEL": "DEBUG", "SWITCHBOARD_PUBLIC_URL": "https://sb.example.com", "HOST": "0.0.0.0",
            "SWITCHBOARD_WEBHOOK_TARGETS": "ANY",
        ], workingDirectory: "/srv")
        #expect(config.database == .postgres(url: "postgres://u:p@127.0.0.1:5432/sb"))
        #expect(config.masterKey == .environment(current: Data(repeating: 7, count: 32), previous: []))
        #expect(config.port == 9000 && config.logLevel == .debug && config.host == "0.0.0.0")
        #expect(config.secureCookies)
        #expect(config.webhookTargets == .any)
    }

    @Test("a wrong value names its variable and never echoes a secret", arguments: [
        ("PORT", "eighty", "PORT"), ("PORT", "70000", "PORT"), ("LOG_LEVEL", "loud", "LOG_LEVEL"),
        ("DATABASE_URL", "mysql://u:secretpw@h/db", "DATABASE_URL"), ("DATABASE_URL", "postgres://u:secretpw@/db", "DATABASE_URL"),
        ("SWITCHBOARD_MASTER_KEY", "c2VjcmV0cHc=", "SWITCHBOARD_MASTER_KEY"), ("SWITCHBOARD_MASTER_KEY", "secretpw!!", "SWITCHBOARD_MASTER_KEY"),
        ("SWITCHBOARD_PUBLIC_URL", "ftp://x", "SWITCHBOARD_PUBLIC_URL"), ("SWITCHBOARD_ADMIN_EMAIL", "nope", "SWITCHBOARD_ADMIN_EMAIL"),
        ("SWITCHBOARD_ADMIN_PASSWORD", "secretpw", "SWITCHBOARD_ADMIN_PASSWORD"), ("SWITCHBOARD_PREVIOUS_MASTER_KEYS", "x", "SWITCHBOARD_PREVIOUS_MASTER_KEYS"),
        ("SWITCHBOARD_WEBHOOK_TARGETS", "private", "SWITCHBOARD_WEBHOOK_TARGETS"),
    ])
    func wrongValue(variable: String, value: String, named: String) {
        do {
            _ = try SwitchboardConfig.load(environment: [variable: value], workingDirectory: "/srv")
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            #expect(error.variable == named)
            #expect(!error.description.contains("secretpw"))
            #expect(!error.description.contains("\n"))
        }
    }
}
