/// A place: sent as a `location` message or template parameter, and received in `location` messages.
public struct Location: Hashable, Sendable, Codable {
    public var latitude: Double
    public var longitude: Double
    public var name: String?
    public var address: String?
    /// Only on inbound messages (a shared place's link).
    public var url: String?

    public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil, url: String? = nil) {
        self.latitude = latitude
        self.longitude = longitude
        self.name = name
        self.address = address
        self.url = url
    }
}
