import AsyncHTTPClient
import Foundation
import NIOConcurrencyHelpers
import WhatsAppCloud

/// Where each provider is reached: Meta's Graph API for Cloud API accounts, the emulator for sandbox accounts.
/// The sandbox address is set when `serve` starts the emulator in-process (its port is known only then).
public final class ProviderEndpoints: Sendable {
    public let graphURL: String
    private let sandbox: NIOLockedValueBox<String>

    public init(graphURL: String, sandboxURL: String) {
        self.graphURL = graphURL
        self.sandbox = NIOLockedValueBox(sandboxURL)
    }

    public var sandboxURL: String {
        get { sandbox.withLockedValue { $0 } }
        set { sandbox.withLockedValue { $0 = newValue } }
    }

    /// The Graph base URL for an account's provider, or nil when the provider does not speak the Graph API.
    public func graphBaseURL(for provider: AccountProvider) -> String? {
        switch provider {
        case .cloudAPI: graphURL
        case .sandbox: sandboxURL
        case .evolution, .desktop: nil
        }
    }
}
