/// The Graph API version used when none is configured: v23.0, the version of Meta's published OpenAPI
/// description that the fixtures come from. Any `vNN.N` can be passed to `GraphAPI`/`GraphClient`.
public enum WhatsAppCloudVersion { public static let graphAPIVersion = "v23.0" }
