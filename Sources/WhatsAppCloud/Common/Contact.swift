/// A contact card, the same shape whether sent in a `contacts` message or received in one.
/// Every part is optional because Meta's inbound cards carry only what the sender's phone had.
public struct Contact: Hashable, Sendable, Codable {
    public var name: Name?
    public var phones: [Phone]?
    public var emails: [Email]?
    public var addresses: [Address]?
    public var org: Organization?
    public var urls: [Link]?
    /// `YYYY-MM-DD`.
    public var birthday: String?

    public init(
        name: Name? = nil, phones: [Phone]? = nil, emails: [Email]? = nil, addresses: [Address]? = nil,
        org: Organization? = nil, urls: [Link]? = nil, birthday: String? = nil
    ) {
        self.name = name
        self.phones = phones
        self.emails = emails
        self.addresses = addresses
        self.org = org
        self.urls = urls
        self.birthday = birthday
    }

    public struct Name: Hashable, Sendable, Codable {
        public var formattedName: String?
        public var firstName: String?
        public var lastName: String?
        public var middleName: String?
        public var suffix: String?
        public var prefix: String?

        public init(
            formattedName: String? = nil, firstName: String? = nil, lastName: String? = nil,
            middleName: String? = nil, suffix: String? = nil, prefix: String? = nil
        ) {
            self.formattedName = formattedName
            self.firstName = firstName
            self.lastName = lastName
            self.middleName = middleName
            self.suffix = suffix
            self.prefix = prefix
        }

        enum CodingKeys: String, CodingKey {
            case formattedName = "formatted_name", firstName = "first_name", lastName = "last_name"
            case middleName = "middle_name", suffix, prefix
        }
    }

    public struct Phone: Hashable, Sendable, Codable {
        public var phone: String?
        public var type: String?
        public var waID: String?

        public init(phone: String? = nil, type: String? = nil, waID: String? = nil) {
            self.phone = phone
            self.type = type
            self.waID = waID
        }

        enum CodingKeys: String, CodingKey { case phone, type, waID = "wa_id" }
    }

    public struct Email: Hashable, Sendable, Codable {
        public var email: String?
        public var type: String?

        public init(email: String? = nil, type: String? = nil) {
            self.email = email
            self.type = type
        }
    }

    public struct Address: Hashable, Sendable, Codable {
        public var street: String?
        public var city: String?
        public var state: String?
        public var zip: String?
        public var country: String?
        public var countryCode: String?
        public var type: String?

        public init(
            street: String? = nil, city: String? = nil, state: String? = nil, zip: String? = nil,
            country: String? = nil, countryCode: String? = nil, type: String? = nil
        ) {
            self.street = street
            self.city = city
            self.state = state
            self.zip = zip
            self.country = country
            self.countryCode = countryCode
            self.type = type
        }

        enum CodingKeys: String, CodingKey {
            case street, city, state, zip, country, countryCode = "country_code", type
        }
    }

    public struct Organization: Hashable, Sendable, Codable {
        public var company: String?
        public var department: String?
        public var title: String?

        public init(company: String? = nil, department: String? = nil, title: String? = nil) {
            self.company = company
            self.department = department
            self.title = title
        }
    }

    public struct Link: Hashable, Sendable, Codable {
        public var url: String?
        public var type: String?

        public init(url: String? = nil, type: String? = nil) {
            self.url = url
            self.type = type
        }
    }
}
