import WhatsAppCloud
import WhatsAppFixtures

// Optional accessors for enum cases, so tests can `#require` the case they expect.

extension WebhookPayload {
    var firstChange: Change? { entry.first?.changes.first }
}

extension ChangeValue {
    var messages: MessagesValue? { if case .messages(let value) = self { value } else { nil } }
    var echoes: MessageEchoesValue? { if case .messageEchoes(let value) = self { value } else { nil } }
    var calls: CallsValue? { if case .calls(let value) = self { value } else { nil } }
    var userPreferences: UserPreferencesValue? { if case .userPreferences(let value) = self { value } else { nil } }
    var groups: GroupsValue? { if case .groups(let value) = self { value } else { nil } }
    var accountUpdate: AccountUpdate? { if case .accountUpdate(let value) = self { value } else { nil } }
    var templateStatus: TemplateStatusUpdate? { if case .templateStatusUpdate(let value) = self { value } else { nil } }
    var templateQuality: TemplateQualityUpdate? { if case .templateQualityUpdate(let value) = self { value } else { nil } }
    var templateCategory: TemplateCategoryUpdate? { if case .templateCategoryUpdate(let value) = self { value } else { nil } }
    var templateComponents: TemplateComponentsUpdate? { if case .templateComponentsUpdate(let value) = self { value } else { nil } }
    var phoneNumberQuality: PhoneNumberQualityUpdate? { if case .phoneNumberQualityUpdate(let value) = self { value } else { nil } }
    var isUnknown: Bool { if case .unknown = self { true } else { false } }
}

extension InboundContent {
    var text: String? { if case .text(let value) = self { value } else { nil } }
    var media: InboundMedia? {
        switch self {
        case .image(let media), .audio(let media), .video(let media), .document(let media), .sticker(let media): media
        default: nil
        }
    }
    var location: Location? { if case .location(let value) = self { value } else { nil } }
    var contacts: [Contact]? { if case .contacts(let value) = self { value } else { nil } }
    var interactive: InteractiveReply? { if case .interactive(let value) = self { value } else { nil } }
    var reaction: Reaction? { if case .reaction(let value) = self { value } else { nil } }
    var order: Order? { if case .order(let value) = self { value } else { nil } }
    var system: SystemEvent? { if case .system(let value) = self { value } else { nil } }
    var isUnknown: Bool { if case .unknown = self { true } else { false } }
}

extension InteractiveReply {
    var flowReply: FlowReply? { if case .flowReply(let value) = self { value } else { nil } }
    var callPermission: CallPermissionReply? { if case .callPermissionReply(let value) = self { value } else { nil } }
}
