import Foundation
import Logging
import Switchboard
import Vapor

/// The executable: reads the configuration once, builds the app, runs the command.
/// A configuration error is one line on stderr and exit code 2, never a stack trace.
func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("switchboard: \(message)\n".utf8))
    exit(2)
}

let config: SwitchboardConfig
do {
    config = try SwitchboardConfig.load(environment: ProcessInfo.processInfo.environment,
                                        workingDirectory: FileManager.default.currentDirectoryPath)
} catch {
    fail("configuration error: \(error)")
}

let level = config.logLevel
LoggingSystem.bootstrap { label in
    var handler = StreamLogHandler.standardOutput(label: label)
    handler.logLevel = level
    return handler
}

var environment = Environment(name: "production", arguments: CommandLine.arguments)
let app = try await Application.make(environment)
do {
    try await configure(app, config: config)
    app.useSwitchboardCommands()
    try await app.execute()
    try await app.asyncShutdown()
} catch let error as ConfigError {
    try? await app.asyncShutdown()
    fail("configuration error: \(error)")
} catch {
    try? await app.asyncShutdown()
    fail("\(error)")
}
