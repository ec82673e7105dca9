import Plot

/// The login page: a pure function of what it shows.
enum LoginView {
    struct Model {
        var email: String = ""
        var csrfToken: String
        var error: String?
    }

    static func render(_ model: Model) -> HTML {
        HTML(
            .head(.title("Log in · Switchboard"), .meta(.charset(.utf8)), .style(Layout.css)),
            .body(.main(
                .div(.class("card"), .attribute(named: "style", value: "max-width:380px;margin:4rem auto"),
                     .h1(.text("Switchboard")),
                     Layout.flashNode(model.error.map { Flash(kind: .error, message: $0) }),
                     .form(.method(.post), .action("/login"),
                           .input(.type(.hidden), .name("_csrf"), .value(model.csrfToken)),
                           .label(.text("Email"), .input(.type(.email), .name("email"), .value(model.email.attributeEscaped), .required(true), .autocomplete(true))),
                           .label(.text("Password"), .input(.type(.password), .name("password"), .required(true))),
                           .button(.type(.submit), .text("Log in"))))
            ))
        )
    }
}
