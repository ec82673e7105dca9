import Plot
import Vapor

/// A message at the top of a page: what just happened, or what went wrong and which fields.
public struct Flash: Sendable {
    public enum Kind: String, Sendable { case notice, error }
    public var kind: Kind
    public var message: String
    public var fields: [FieldError] = []

    public static func from(_ problem: Problem) -> Flash {
        Flash(kind: .error, message: problem.detail ?? problem.title, fields: problem.errors ?? [])
    }
}

/// The frame of every signed-in page: navigation, the workspace switcher, the flash message.
enum Layout {
    static let css = """
    :root{font-family:system-ui,sans-serif;color:#1d2330;background:#f6f7f9}body{margin:0}
    header{display:flex;gap:1.1rem;align-items:center;padding:.75rem 1.5rem;background:#14532d;color:#fff;flex-wrap:wrap;font-size:.95rem}
    header a,header form{white-space:nowrap}label>input:not([type=checkbox]),label>textarea,label>select{display:block;margin-top:.2rem}
    header a{color:#fff;text-decoration:none}header a.active{text-decoration:underline}header .brand{font-weight:700}
    header form{margin-left:auto;display:flex;gap:.5rem;align-items:center}
    main{max-width:1100px;margin:1.5rem auto;padding:0 1.5rem}
    table{width:100%;border-collapse:collapse;background:#fff}th,td{text-align:left;padding:.5rem;border-bottom:1px solid #e3e6ea}
    .flash{padding:.75rem 1rem;border-radius:6px;margin-bottom:1rem}.flash.notice{background:#dcfce7}.flash.error{background:#fee2e2}
    .toast{position:fixed;top:4rem;right:1.5rem;max-width:360px;box-shadow:0 4px 12px #0002;z-index:10}
    .field-error{color:#b91c1c;font-size:.85rem;display:block}.badge.default{background:#bbf7d0}.badge.inactive{background:#fecaca}
    .badge.unverified{background:#fde68a}.badge.platform{background:#bfdbfe}.empty{text-align:center;padding:2rem}
    .toolbar{display:flex;gap:.75rem;align-items:end;flex-wrap:wrap}.toolbar label{margin:0}details.card summary{cursor:pointer;font-weight:600}
    .card{background:#fff;padding:1rem 1.25rem;border-radius:8px;margin:1rem 0;box-shadow:0 1px 2px #0001}
    form.inline{display:inline;margin-left:.4rem}label{display:block;margin:.4rem 0}input,select,button{font:inherit;padding:.3rem .5rem}
    button{cursor:pointer}.secret{font-family:monospace;background:#fef9c3;padding:.5rem;display:block;word-break:break-all}
    .badge{font-size:.8rem;padding:.1rem .4rem;border-radius:4px;background:#e5e7eb}.muted{color:#6b7280}
    .badge.count{background:#22c55e;color:#fff;margin-left:.35rem}.badge.unread{background:#16a34a;color:#fff;margin-left:.4rem}
    .badge.window-open{background:#bbf7d0}.badge.window-closed{background:#e5e7eb;color:#4b5563}tr.unread td:first-child a{font-weight:700}
    #thread-head{align-items:center}.thread{display:flex;flex-direction:column;gap:.6rem;max-height:60vh;overflow-y:auto}
    .bubble{max-width:70%;align-self:flex-start;padding:.5rem .75rem;border-radius:10px;background:#f1f5f9}.bubble.out{align-self:flex-end;background:#dcfce7}
    .bubble p{margin:0 0 .3rem;white-space:pre-wrap;overflow-wrap:anywhere}.bubble .meta{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;font-size:.78rem;color:#6b7280}
    .ticks{font-weight:700;letter-spacing:-.15em}.ticks.read,.ticks.played{color:#2563eb}.ticks.failed{color:#b91c1c}
    textarea{font:inherit;width:100%;box-sizing:border-box;padding:.4rem .5rem}.note{background:#fef9c3;padding:.5rem .75rem;border-radius:6px}
    """

    static func page(title: String, viewer: DashboardViewer, active: String, flash: Flash?, _ content: Node<HTML.BodyContext>...) -> HTML {
        var links: [(String, String, String)] = [
            ("inbox", "/dashboard/inbox", "Inbox"), ("accounts", "/dashboard/accounts", "Accounts"), ("settings", "/dashboard/settings", "WhatsApp settings"),
            ("webhooks", "/dashboard/webhooks", "Webhooks"),
            ("members", "/dashboard/members", "Members"), ("audit", "/dashboard/audit", "Audit log"),
        ]
        if viewer.principal.has(.manageAccess) { links.insert(("api-keys", "/dashboard/api-keys", "API keys"), at: 5) }
        if viewer.principal.has(.platform) {
            links.append(("workspaces", "/dashboard/workspaces", "Workspaces"))
            links.append(("platform", "/dashboard/platform", "Platform number"))
            links.append(("deliveries", "/dashboard/deliveries", "Deliveries"))
        }
        return HTML(
            // The bare element: Plot's `.title` also copies the title into meta attributes, which it does not escape.
            .head(.element(named: "title", text: "\(title) · Switchboard"), .meta(.charset(.utf8)), .style(css)),
            .body(
                .header(
                    .span(.class("brand"), .text("Switchboard")),
                    .forEach(links) { link in
                        .a(.class(link.0 == active ? "active" : ""), .href(link.1), .text(link.2),
                           .if(link.0 == "inbox" && viewer.unreadCount > 0,
                               .span(.class("badge count"), .id("unread-total"), .title("Unread messages"), .text(String(viewer.unreadCount)))))
                    },
                    .form(.method(.post), .action("/dashboard/workspace"),
                          csrf(viewer),
                          FormField.select(name: "workspaceId", options: viewer.workspaces.map { ($0.id.uuidString, $0.name) },
                                           selected: viewer.principal.workspaceID.uuidString),
                          .button(.type(.submit), .text("Switch")),
                          .span(.class("muted"), .text(viewer.email))),
                    .form(.method(.post), .action("/logout"), csrf(viewer), .button(.type(.submit), .text("Log out")))
                ),
                .main(
                    .h1(.text(title)),
                    flashNode(flash),
                    .group(content)
                )
            )
        )
    }

    static func flashNode(_ flash: Flash?) -> Node<HTML.BodyContext> {
        guard let flash else { return .empty }
        return .div(.class("flash toast \(flash.kind.rawValue)"), .id("toast"), .attribute(named: "role", value: flash.kind == .error ? "alert" : "status"),
                    .text(flash.message),
                    .if(!flash.fields.isEmpty, .ul(.forEach(flash.fields) { .li(.text("\($0.field): \($0.message)")) })))
    }

    static func csrf(_ viewer: DashboardViewer) -> Node<HTML.FormContext> {
        .input(.type(.hidden), .name("_csrf"), .value(viewer.csrfToken))
    }

    static func roleSelect<Context>(name: String, selected: Role?) -> Node<Context> {
        FormField.select(name: name, options: Role.allCases.map { ($0.rawValue, $0.rawValue) }, selected: selected?.rawValue)
    }
}

extension HTML {
    /// The page as a response, with headers that keep it from being framed or fed foreign scripts.
    func response(status: HTTPResponseStatus = .ok) -> Response {
        var headers = HTTPHeaders()
        headers.contentType = .html
        headers.add(name: "Content-Security-Policy", value: "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'")
        headers.add(name: "X-Frame-Options", value: "DENY")
        headers.add(name: "Referrer-Policy", value: "same-origin")
        headers.add(name: "Cache-Control", value: "no-store")
        return Response(status: status, headers: headers, body: .init(string: render()))
    }
}
