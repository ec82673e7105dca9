import Foundation
import Testing
import WhatsAppCloud
import WhatsAppFixtures

/// The 74 pywa deliveries and Meta's 16 webhook examples: each decodes, re-encodes to its input, and passes
/// a check of its own.
@Suite struct WebhookFixtureTests {
    static let deliveries: [(name: String, body: JSONValue)] =
        ((try? Fixtures.pywaDeliveries()) ?? [])
        + ((try? Fixtures.metaExampleBodies(in: "meta-webhook-examples")) ?? []).map { ("meta/\($0.name)", $0.body) }

    @Test func allNinetyDeliveriesArePresent() {
        #expect(Self.deliveries.filter { !$0.name.hasPrefix("meta/") }.count == 74)
        #expect(Self.deliveries.filter { $0.name.hasPrefix("meta/") }.count == 16)
    }

    @Test func everyDeliveryHasItsOwnCheck() {
        #expect(Set(Self.deliveries.map(\.name)) == Set(Self.checks.keys))
    }

    @Test(arguments: deliveries.map(\.name))
    func decodesRoundTripsAndPassesItsCheck(name: String) throws {
        let body = try #require(Self.deliveries.first { $0.name == name }?.body)
        let payload = try decode(WebhookPayload.self, from: body)
        #expect(payload.object == "whatsapp_business_account")
        // The envelope models `object` and `entry`; pywa's components sample also nests a second delivery
        // under an extra top-level key, which a typed envelope rightly drops.
        #expect(try jsonValue(of: payload) == ["object": body["object"]!, "entry": body["entry"]!])
        let change = try #require(payload.firstChange)
        #expect(!change.value.isUnknown, "field \(change.field) should decode to a typed value")
        for message in change.value.messages?.messages ?? [] {
            #expect(try jsonValue(of: message) == message.raw)
        }
        let check = try #require(Self.checks[name])
        try check(payload, change)
    }

    /// pywa's components sample nests a fuller delivery (with title, footer and buttons) under `all`.
    @Test func templateComponentsFullSample() throws {
        let body = try #require(Self.deliveries.first { $0.name == "template_components_update/element" }?.body["all"])
        let payload = try decode(WebhookPayload.self, from: body)
        let update = try #require(payload.firstChange?.value.templateComponents)
        #expect(update.template.id == "1315502779341834")
        #expect(update.element?.hasPrefix("Thank you for your order, {{1}}!") == true)
        #expect(payload.firstChange?.rawValue["message_template_buttons"]?[1]?["message_template_button_type"] == "URL")
        #expect(try jsonValue(of: payload) == body)
    }

    typealias Check = @Sendable (WebhookPayload, Change) throws -> Void

    /// The first inbound message of a `messages` change.
    static func message(_ change: Change) throws -> InboundMessage {
        try #require(change.value.messages?.messages.first)
    }

    static func status(_ change: Change) throws -> Status {
        try #require(change.value.messages?.statuses.first)
    }

    static func accountEvent(_ event: String, _ extra: @escaping @Sendable (AccountUpdate) -> Void = { _ in }) -> Check {
        { payload, change in
            let update = try #require(change.value.accountUpdate)
            #expect(update.event == event)
            #expect(payload.entry[0].time != nil)
            extra(update)
        }
    }

    static let checks: [String: Check] = [
        // message.json
        "message/text": { (_, change) throws in
            let value = try #require(change.value.messages)
            let message = try message(change)
            #expect(message.content.text == "Body Text")
            #expect(message.from == "972987654321")
            #expect(value.metadata.phoneNumberID == "1122334455667")
            #expect(value.contacts.first?.profile?.name == "Test Name")
            #expect(value.contacts.first?.parentUserID == "US.ENT.11815799212886844830")
            #expect(value.userID(of: message) == "US.13491208655302741918")
        },
        "message/image": { (_, change) throws in
            let media = try #require(message(change).content.media)
            #expect(media.id == "65463453")
            #expect(media.mimeType == "image/jpeg")
        },
        "message/media_with_url": { (_, change) throws in
            let media = try #require(message(change).content.media)
            #expect(media.url?.hasPrefix("https://lookaside.fbsbx.com/whatsapp_business/attachments/") == true)
        },
        "message/video": { (_, change) throws in
            let message = try message(change)
            guard case .video(let media) = message.content else { throw Unexpected(message.content) }
            #expect(media.caption == "caption")
            #expect(message.context?.forwarded == true)
        },
        "message/document": { (_, change) throws in
            guard case .document(let media) = try message(change).content else { throw Unexpected(change) }
            #expect(media.filename == "filename.pdf")
        },
        "message/audio": { (_, change) throws in
            guard case .audio(let media) = try message(change).content else { throw Unexpected(change) }
            #expect(media.voice == false)
        },
        "message/voice": { (_, change) throws in
            guard case .audio(let media) = try message(change).content else { throw Unexpected(change) }
            #expect(media.voice == true)
        },
        "message/static_sticker": { (_, change) throws in
            guard case .sticker(let media) = try message(change).content else { throw Unexpected(change) }
            #expect(media.animated == false)
        },
        "message/animated_sticker": { (_, change) throws in
            guard case .sticker(let media) = try message(change).content else { throw Unexpected(change) }
            #expect(media.animated == true)
        },
        "message/reaction": { (_, change) throws in
            let reaction = try #require(message(change).content.reaction)
            #expect(reaction == Reaction(messageID: "wamid.yzxyzx=", emoji: "😮"))
        },
        "message/unreaction_empty": { (_, change) throws in
            #expect(try #require(message(change).content.reaction).isRemoval)
        },
        "message/unreaction_no_emoji": { (_, change) throws in
            #expect(try #require(message(change).content.reaction).isRemoval)
        },
        "message/current_location": { (_, change) throws in
            let location = try #require(message(change).content.location)
            #expect(location.latitude == 12.25089)
            #expect(location.name == nil)
        },
        "message/chosen_location": { (_, change) throws in
            let location = try #require(message(change).content.location)
            #expect(location.name == "Facebook HQ")
            #expect(location.url == "https://maps.google.com/?cid=2000000000000000000")
        },
        "message/contacts": { (_, change) throws in
            let contacts = try #require(message(change).content.contacts)
            #expect(contacts.map { $0.name?.formattedName } == ["Chandler Bing", "Monica", "Rachel Green"])
            #expect(contacts.first?.phones?.first?.waID == "972987654321")
        },
        "message/order": { (_, change) throws in
            let order = try #require(message(change).content.order)
            #expect(order.catalogID == "354160437058781")
            #expect(order.productItems.map(\.productRetailerID) == ["HAMBURGER", "FRENCH_FRIES", "SODA"])
            #expect(order.productItems.first?.quantity == 3)
            #expect(order.productItems.first?.itemPrice == 30)
        },
        "message/unsupported": { (_, change) throws in
            let message = try message(change)
            #expect(message.content == .unsupported(type: nil))
            #expect(message.errors.first?.code == 131051)
            #expect(message.errors.first?.details == "Message type is currently not supported.")
        },
        "message/unsupported_with_type": { (_, change) throws in
            #expect(try message(change).content == .unsupported(type: "pool"))
        },
        "message/reply": { (_, change) throws in
            let message = try message(change)
            #expect(message.context?.id == "wamid.xyzxyz==")
            #expect(message.context?.from == "972123456789")
            #expect(message.content.text == "replied text")
        },
        "message/forwarded": { (_, change) throws in
            #expect(try message(change).context?.forwarded == true)
        },
        "message/forwarded_many_times": { (_, change) throws in
            #expect(try message(change).context?.frequentlyForwarded == true)
        },
        "message/interactive_message_with_err": { (_, change) throws in
            let value = try #require(change.value.messages)
            #expect(value.errors.first?.code == 131000)
            #expect(value.errors.first?.details == "Unsupported webhook payload")
            let message = try message(change)
            #expect(message.type == "interactive")
            #expect(message.content.isUnknown)
        },
        "message/referral": { (_, change) throws in
            let message = try message(change)
            #expect(message.referral?.ctwaClid == "CTWA_CLID")
            #expect(message.referral?.thumbnailURL == "RAW_THUMBNAIL_URL")
            #expect(message.content.text == "BODY")
        },
        // message_status.json
        "message_status/sent": { (_, change) throws in
            let status = try status(change)
            #expect(status.status == .sent)
            #expect(status.id == "wamid.xyzxyz")
            #expect(status.recipientID == "972987654321")
            #expect(status.conversation?.expirationTimestamp == "1698339900")
            #expect(status.conversation?.originType == "service")
            #expect(status.pricing?.pricingModel == "CBP")
            #expect(status.pricing?.billable == true)
            #expect(try jsonValue(of: status) == status.raw)
        },
        "message_status/delivered": { (_, change) throws in
            let status = try status(change)
            #expect(status.status == .delivered)
            #expect(status.conversation?.expirationTimestamp == nil)
        },
        "message_status/read": { (_, change) throws in
            #expect(try status(change).status == .read)
        },
        "message_status/played": { (_, change) throws in
            #expect(try status(change).status == .played)
        },
        "message_status/failed": { (_, change) throws in
            let status = try status(change)
            #expect(status.status == .failed)
            #expect(status.errors.map(\.code) == [130472])
            #expect(status.errors.first?.href == "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/")
            #expect(status.errors.first?.errorClass == .permanent)
        },
        "message_status/with_tracker": { (_, change) throws in
            #expect(try status(change).bizOpaqueCallbackData == "some data")
        },
        "message_status/group": { (_, change) throws in
            let status = try status(change)
            #expect(status.recipientType == "group")
            #expect(status.recipientParticipantID == "<GROUP_PARTICIPANT_USER_PHONE_NUMBER>")
            #expect(change.value.messages?.contacts.first?.profile?.username == "<USERNAME>")
        },
        // account_update.json
        "account_update/account_deleted": accountEvent("ACCOUNT_DELETED"),
        "account_update/account_restriction": accountEvent("ACCOUNT_RESTRICTION") { update in
            #expect(update.restrictionInfo?.map(\.restrictionType) == ["RESTRICTED_BIZ_INITIATED_MESSAGING", "RESTRICTED_ADD_PHONE_NUMBER_ACTION"])
            #expect(update.restrictionInfo?.first?.expiration == 1_641_330_498)
        },
        "account_update/account_violation": accountEvent("ACCOUNT_VIOLATION") { #expect($0.violationType == "ADULT") },
        "account_update/ad_account_linked": accountEvent("AD_ACCOUNT_LINKED") { #expect($0.wabaInfo?.wabaID == "980198427658004") },
        "account_update/authentication_international_eligibility": accountEvent("AUTH_INTL_PRICE_ELIGIBILITY_UPDATE"),
        "account_update/account_disabled": accountEvent("DISABLED_UPDATE") { #expect($0.banState == "REINSTATE") },
        "account_update/mm_api_for_wa_terms_of_service": accountEvent("MM_LITE_TERMS_SIGNED") {
            #expect($0.wabaInfo?.ownerBusinessID == "2329417887457253")
        },
        "account_update/partner_added": accountEvent("PARTNER_ADDED") {
            #expect($0.wabaInfo?.solutionPartnerBusinessIDs == ["2949482758682047", "520744086200222"])
        },
        "account_update/partner_app_installed": accountEvent("PARTNER_APP_INSTALLED") {
            #expect($0.wabaInfo?.partnerAppID == "5731794616896507")
            #expect($0.wabaInfo?.wabaID == "1191624265890717")
        },
        "account_update/partner_app_uninstalled": accountEvent("PARTNER_APP_UNINSTALLED") {
            #expect($0.wabaInfo?.partnerAppID == "869361281603019")
        },
        "account_update/partner_led_business_verification_status": accountEvent("PARTNER_CLIENT_CERTIFICATION_STATUS_UPDATE"),
        "account_update/partner_removed": accountEvent("PARTNER_REMOVED") { #expect($0.wabaInfo?.wabaID == "980198427658004") },
        "account_update/partner_removed_wa_app_disconnection": { payload, change in
            try accountEvent("PARTNER_REMOVED")(payload, change)
            #expect(change.rawValue["disconnection_info"]?["reason"] == "PRIMARY_INACTIVITY")
        },
        "account_update/primary_business_location_set": accountEvent("BUSINESS_PRIMARY_LOCATION_COUNTRY_UPDATE"),
        "account_update/pricing_tiering_update": accountEvent("VOLUME_BASED_PRICING_TIER_UPDATE"),
        "account_update/account_offboarded": accountEvent("ACCOUNT_OFFBOARDED"),
        "account_update/account_reconnected": accountEvent("ACCOUNT_RECONNECTED"),
        // calls
        "call_connect/business_initiated": { (_, change) throws in
            let call = try #require(change.value.calls?.calls.first)
            #expect(call.event == "connect")
            #expect(call.direction == "BUSINESS_INITIATED")
            #expect(call.raw["session"]?["sdp_type"] == "answer")
        },
        "call_connect/user_initiated": { (_, change) throws in
            let call = try #require(change.value.calls?.calls.first)
            #expect(call.direction == "USER_INITIATED")
            #expect(call.from == "972987654321")
        },
        "call_status/call_status": { (_, change) throws in
            let status = try #require(change.value.calls?.statuses.first)
            #expect(status.status == .unknown("RINGING"))
            #expect(status.bizOpaqueCallbackData == "random_string")
        },
        "call_terminate/call_terminate": { (_, change) throws in
            let calls = try #require(change.value.calls)
            #expect(calls.calls.first?.status == "COMPLETED")
            #expect(calls.calls.first?.event == "terminate")
            #expect(calls.errors.first?.code == 12455)
        },
        "call_permission_update/accept": { (_, change) throws in
            let reply = try #require(message(change).content.interactive?.callPermission)
            #expect(reply.response == "accept")
            #expect(reply.expirationTimestamp == 1_753_186_982)
        },
        "call_permission_update/reject": { (_, change) throws in
            let reply = try #require(message(change).content.interactive?.callPermission)
            #expect(reply.response == "reject")
            #expect(reply.expirationTimestamp == nil)
        },
        // buttons, lists, flows
        "callback_button/button": { (_, change) throws in
            #expect(try message(change).content == .interactive(.buttonReply(id: "callback_data", title: "title")))
        },
        "callback_button/quick_reply": { (_, change) throws in
            let message = try message(change)
            #expect(message.content == .button(payload: "callback_data", text: "title"))
            #expect(message.context?.id == "wamid.xyzxyz==")
        },
        "callback_button/quick_reply_without_context": { (_, change) throws in
            let message = try message(change)
            #expect(message.context == nil)
            #expect(message.fromUserID == "US.13491208655302741918")
        },
        "callback_selection/callback": { (_, change) throws in
            #expect(try message(change).content == .interactive(.listReply(id: "callback_data", title: "title", description: nil)))
        },
        "callback_selection/description": { (_, change) throws in
            #expect(try message(change).content == .interactive(.listReply(id: "callback_data", title: "title", description: "description")))
        },
        "flow_completion/completion": { (_, change) throws in
            let reply = try #require(message(change).content.interactive?.flowReply)
            #expect(reply.flowToken == "AQAAAAACS5FpgQ_cAAAAAD0QI3s.")
            #expect(reply.response?["delivery_rating"] == "4")
            #expect(reply.body == "Sent")
        },
        "flow_completion/without_flow_token": { (_, change) throws in
            let reply = try #require(message(change).content.interactive?.flowReply)
            #expect(reply.flowToken == nil)
            #expect(reply.response?["cs_rating"] == "0")
        },
        // deleted, edited, echoes, system
        "deleted_message/revoke": { (_, change) throws in
            #expect(try message(change).content == .revoke(originalMessageID: "<ORIGINAL_WHATSAPP_MESSAGE_ID>"))
        },
        "edited_message/image": { (_, change) throws in
            guard case .edit(let original, let edited) = try message(change).content else { throw Unexpected(change) }
            #expect(original == "wamid.HBgLMTQxMjU1NTA4MjkVAgASGBQzQUNCNjk5RDUwNUZGMUZEM0VBRAA=")
            #expect(edited.context?.id == "M0")
            #expect(edited.content.media?.caption == "Updated image caption")
        },
        "outgoing_message/text": { (_, change) throws in
            let echo = try #require(change.value.echoes?.messageEchoes.first)
            #expect(echo.content.text == "Test message")
            #expect(echo.toUserID == "<BSUID>")
            #expect(echo.to == "<WHATSAPP_USER_PHONE_NUMBER>")
        },
        "outgoing_message/delete": { (_, change) throws in
            let echo = try #require(change.value.echoes?.messageEchoes.first)
            #expect(echo.content == .revoke(originalMessageID: "wamid.zzzzzz"))
        },
        "outgoing_message/edit": { (_, change) throws in
            let echo = try #require(change.value.echoes?.messageEchoes.first)
            guard case .edit(_, let edited) = echo.content else { throw Unexpected(echo.content) }
            #expect(edited.content.text == "Text was edited")
        },
        "system/phone_number_change": { (_, change) throws in
            let value = try #require(change.value.messages)
            let system = try #require(message(change).content.system)
            #expect(system.type == "user_changed_number")
            #expect(system.waID == "972912345678")
            #expect(value.contacts.isEmpty)
        },
        "system/identity_change": { (_, change) throws in
            let system = try #require(message(change).content.system)
            #expect(system.type == "customer_identity_changed")
            #expect(try message(change).raw["identity"]?["hash"] == "xyzxyz")
        },
        // template webhooks
        "template_category_update/marketing": { (_, change) throws in
            let update = try #require(change.value.templateCategory)
            #expect(update.newCategory == "MARKETING")
            #expect(update.template.id == "12345678")
            #expect(update.template.name == "my_message_template")
        },
        "template_components_update/element": { (_, change) throws in
            let update = try #require(change.value.templateComponents)
            #expect(update.element == "Hi {{1}}! Welcome to our service.")
            #expect(update.template.language == "he")
        },
        "template_quality_update/yellow": { (_, change) throws in
            let update = try #require(change.value.templateQuality)
            #expect(update.previousQualityScore == "GREEN")
            #expect(update.newQualityScore == "YELLOW")
            #expect(update.template.id == "806312974732579")
        },
        "template_status_update/approved": { (_, change) throws in
            let update = try #require(change.value.templateStatus)
            #expect(update.event == "APPROVED")
            #expect(update.category == "UTILITY")
            #expect(update.template.id == "1689556908129832")
            #expect(update.rejectionInfo == nil)
        },
        "template_status_update/rejected": { (_, change) throws in
            let update = try #require(change.value.templateStatus)
            #expect(update.event == "REJECTED")
            #expect(update.reason == "INVALID_FORMAT")
            #expect(update.rejectionInfo?.recommendation?.hasPrefix("Separate parameters") == true)
        },
        "user_marketing_preferences/resume": { (_, change) throws in
            let preference = try #require(change.value.userPreferences?.userPreferences.first)
            #expect(preference.value == "resume")
            #expect(preference.timestamp == "1731705721")
            #expect(preference.waID == "16505551234")
        },
        "user_marketing_preferences/signup": { (_, change) throws in
            let preference = try #require(change.value.userPreferences?.userPreferences.first)
            #expect(preference.value == "signup")
            #expect(preference.category == "marketing_messages")
        },
        // Meta's examples
        "meta/button-message": { (_, change) throws in
            #expect(try message(change).content == .button(payload: "Unsubscribe", text: "Unsubscribe"))
        },
        "meta/contact-sharing-message": { (_, change) throws in
            let contact = try #require(message(change).content.contacts?.first)
            #expect(contact.name?.formattedName == "Lucía Gómez")
            #expect(contact.org?.company == "Google")
        },
        "meta/group-create-message": { (_, change) throws in
            #expect(change.field == "group_lifecycle_update")
            let group = try #require(change.value.groups?.groups.first)
            #expect(group.type == "group_create")
            #expect(group.raw["subject"] == "your-group-subject")
            #expect(group.requestID == "784D93D0C468593037EA0B1ECA245D9C")
        },
        "meta/group-remove-participants": { (_, change) throws in
            #expect(change.field == "group_participants_update")
            let group = try #require(change.value.groups?.groups.first)
            #expect(group.raw["removed_participants"]?[0]?["wa_id"] == 16_505_551_234)
        },
        "meta/group-settings-update": { (_, change) throws in
            let group = try #require(change.value.groups?.groups.first)
            #expect(group.type == "group_settings_update")
            #expect(group.groupID == "Y2FwaV9ncm91cDoxODA1NTU1MDE3MjoxMjAzNjMyMjI3NzE5NjMwNjcZD")
        },
        "meta/image-message": { (_, change) throws in
            let media = try #require(message(change).content.media)
            #expect(media.caption == "Taj Mahal")
            #expect(media.id == "1003383421387256")
        },
        "meta/interactive-button-reply-message": { (_, change) throws in
            #expect(try message(change).content == .interactive(.buttonReply(id: "cancel-button", title: "Cancel")))
        },
        "meta/interactive-list-reply-message": { (_, change) throws in
            #expect(
                try message(change).content
                    == .interactive(.listReply(id: "priority_express", title: "Priority Mail Express", description: "Next Day to 2 Days")))
        },
        "meta/location-message": { (_, change) throws in
            let location = try #require(message(change).content.location)
            #expect(location.name == "Philz Coffee")
            #expect(location.longitude == -122.16165924072)
        },
        "meta/order-message": { (_, change) throws in
            let order = try #require(message(change).content.order)
            #expect(order.catalogID == "194836987003835")
            #expect(order.productItems.map(\.quantity) == [2, 1])
            #expect(order.text == "")
        },
        "meta/reaction-message": { (_, change) throws in
            #expect(try message(change).content.reaction?.emoji == "👍")
        },
        "meta/system-message": { (_, change) throws in
            let system = try #require(message(change).content.system)
            #expect(system.waID == "12195555358")
            #expect(system.body == "User Sheena Nelson changed from 16505551234 to 12195555358")
        },
        "meta/text-message-from-click-to-whatsapp-ad": { (_, change) throws in
            let referral = try #require(message(change).referral)
            #expect(referral.sourceType == "ad")
            #expect(referral.welcomeMessage?.text == "Hi there! Let us know how we can help!")
            #expect(referral.sourceURL == "https://fb.me/3cr4Wqqkv")
        },
        "meta/text-message-with-context-product-inquiry": { (_, change) throws in
            let context = try #require(message(change).context)
            #expect(context.referredProduct?.productRetailerID == "di9ozbzfi4")
            #expect(context.referredProduct?.catalogID == "194836987003835")
        },
        "meta/text-message": { (_, change) throws in
            let value = try #require(change.value.messages)
            #expect(try message(change).content.text == "Does it come in another color?")
            #expect(value.metadata.displayPhoneNumber == "15550783881")
            #expect(value.metadata.phoneNumberID == "106540352242922")
            #expect(value.userID(of: try message(change)) == nil)
        },
        "meta/unsupported-message": { (_, change) throws in
            let message = try message(change)
            #expect(message.content == .unsupported(type: nil))
            #expect(message.errors.first?.title == "Message type unknown")
        },
    ]
}

/// Thrown by a check when a value has another case than the one expected.
struct Unexpected: Error, CustomStringConvertible {
    let description: String
    init(_ value: Any) { description = "unexpected \(value)" }
}
