/// `value` of an `account_update` change. Embedded Signup completion arrives here as `PARTNER_ADDED` /
/// `PARTNER_APP_INSTALLED`. Event-specific details not modelled stay in `Change.rawValue`.
public struct AccountUpdate: Hashable, Sendable, Decodable {
    /// For example `PARTNER_APP_INSTALLED`, `ACCOUNT_RESTRICTION`, `DISABLED_UPDATE`.
    public var event: String
    public var wabaInfo: WABAInfo?
    public var restrictionInfo: [Restriction]?
    /// `violation_info.violation_type`.
    public var violationType: String?
    /// `ban_info.waba_ban_state`.
    public var banState: String?

    public struct WABAInfo: Hashable, Sendable, Decodable {
        public var wabaID: String?
        public var ownerBusinessID: String?
        public var partnerAppID: String?
        public var solutionID: String?
        public var solutionPartnerBusinessIDs: [String]?

        enum CodingKeys: String, CodingKey {
            case wabaID = "waba_id", ownerBusinessID = "owner_business_id", partnerAppID = "partner_app_id"
            case solutionID = "solution_id", solutionPartnerBusinessIDs = "solution_partner_business_ids"
        }
    }

    public struct Restriction: Hashable, Sendable, Decodable {
        public var restrictionType: String
        /// Unix seconds.
        public var expiration: Int64?

        enum CodingKeys: String, CodingKey { case restrictionType = "restriction_type", expiration }
    }

    private enum CodingKeys: String, CodingKey {
        case event, wabaInfo = "waba_info", restrictionInfo = "restriction_info", violationInfo = "violation_info"
        case banInfo = "ban_info"
    }

    private struct ViolationInfo: Decodable {
        var violationType: String?
        enum CodingKeys: String, CodingKey { case violationType = "violation_type" }
    }

    private struct BanInfo: Decodable {
        var wabaBanState: String?
        enum CodingKeys: String, CodingKey { case wabaBanState = "waba_ban_state" }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        event = try container.decode(String.self, forKey: .event)
        wabaInfo = try container.decodeIfPresent(WABAInfo.self, forKey: .wabaInfo)
        restrictionInfo = try container.decodeIfPresent([Restriction].self, forKey: .restrictionInfo)
        violationType = try container.decodeIfPresent(ViolationInfo.self, forKey: .violationInfo)?.violationType
        banState = try container.decodeIfPresent(BanInfo.self, forKey: .banInfo)?.wabaBanState
    }
}
