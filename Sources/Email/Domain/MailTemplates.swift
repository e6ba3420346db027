import AccessControl
import Foundation
import Mail

/// A message's words before it has an envelope.
struct Letter {
    var subject: String
    var body: MailBody
    var headers: [(name: String, value: String)] = []
}

/// The templates, one per purpose, in English and French (any other locale reads English).
/// Each writes blocks once; the text and HTML parts come from them, every value escaped in HTML.
/// Links point at paths a web client serves (docs/reference.md lists them).
enum MailTemplates {
    enum Language: String {
        case en, fr
        init(locale: String) {
            self = Language(rawValue: String(locale.prefix(2)).lowercased()) ?? .en
        }
    }

    static func letter(
        _ template: MailTemplate, locale: String, parameters: [String: Any], links: MailLinks
    ) -> Letter {
        let language = Language(locale: locale)
        let say = Wording(language: language)
        func text(_ key: String) -> String { parameters[key] as? String ?? "" }
        switch template {
        case .activation:
            return Letter(
                subject: say("Choose your Praxis password", "Choisissez votre mot de passe Praxis"),
                body: MailBody([
                    .paragraph(
                        say("An account on Praxis was opened for you.", "Un compte Praxis a été ouvert pour vous.")),
                    .link(
                        label: say("Choose your password", "Choisir mon mot de passe"),
                        url: links.web("/activate", [("token", text("token"))])),
                    .paragraph(
                        say(
                            "The link works once, until \(say.date(text("expires_at"))). If you did not expect this message, ignore it: nothing happens until the link is used.",
                            "Le lien ne sert qu’une fois, jusqu’au \(say.date(text("expires_at"))). Si vous n’attendiez pas ce message, ignorez-le : rien ne se passe tant que le lien n’est pas utilisé."
                        )
                    ),
                ]))
        case .reset:
            return Letter(
                subject: say("Reset your Praxis password", "Réinitialisez votre mot de passe Praxis"),
                body: MailBody([
                    .paragraph(
                        say(
                            "An administrator reset the password of your Praxis account: the old password no longer works and every session has ended.",
                            "Un administrateur a réinitialisé le mot de passe de votre compte Praxis : l’ancien ne fonctionne plus et toutes les sessions ont pris fin."
                        )),
                    .link(
                        label: say("Choose a new password", "Choisir un nouveau mot de passe"),
                        url: links.web("/reset-password", [("token", text("token"))])),
                    .paragraph(
                        say(
                            "The link works once, until \(say.date(text("expires_at"))).",
                            "Le lien ne sert qu’une fois, jusqu’au \(say.date(text("expires_at")))."
                        )),
                ]))
        case .invitation:
            return invitation(parameters, say: say, links: links)
        case .approval:
            let community = text("community_name")
            return Letter(
                subject: say("Welcome to \(community)", "Bienvenue dans \(community)"),
                body: MailBody([
                    .paragraph(
                        say(
                            "Your application to join \(community) was approved: you are a member now.",
                            "Votre demande d’adhésion à \(community) a été acceptée : vous en êtes membre.")),
                    .link(
                        label: say("Open \(community)", "Ouvrir \(community)"),
                        url: links.web("/communities/\(text("community_id"))")),
                ]))
        case .digest:
            return digest(parameters, say: say, links: links)
        }
    }

    private static func invitation(_ parameters: [String: Any], say: Wording, links: MailLinks) -> Letter {
        func text(_ key: String) -> String { parameters[key] as? String ?? "" }
        let community = text("community_name")
        let inviter = text("inviter_name")
        var blocks: [MailBlock] = [
            .paragraph(
                say(
                    "\(inviter) invites you to join \(community), a community of practice on Praxis.",
                    "\(inviter) vous invite à rejoindre \(community), une communauté de pratique sur Praxis."))
        ]
        if !text("message").isEmpty { blocks.append(.quote(text("message"))) }
        if !text("norms").isEmpty {
            blocks.append(.paragraph(say("Its norms begin:", "Sa charte commence ainsi :")))
            blocks.append(.quote(text("norms") + (parameters["norms_continue"] as? Bool == true ? " …" : "")))
        }
        if parameters["chatham_house"] as? Bool == true {
            blocks.append(
                .paragraph(
                    say(
                        "Its conversations follow the Chatham House rule: what is said may be used, but not who said it.",
                        "Ses échanges suivent la règle de Chatham House : on peut utiliser ce qui est dit, mais pas dire qui l’a dit."
                    )))
        }
        let invitation = text("invitation_id")
        if parameters["token"] != nil {
            blocks.append(
                .link(
                    label: say("Choose your password, then answer", "Choisir un mot de passe, puis répondre"),
                    url: links.web("/activate", [("token", text("token")), ("invitation", invitation)])))
            blocks.append(
                .paragraph(
                    say(
                        "That link opens your Praxis account and works once, until \(say.date(text("expires_at"))).",
                        "Ce lien ouvre votre compte Praxis et ne sert qu’une fois, jusqu’au \(say.date(text("expires_at")))."
                    )))
        } else {
            blocks.append(
                .link(
                    label: say("See the invitation", "Voir l’invitation"), url: links.web("/invitations/\(invitation)"))
            )
        }
        blocks.append(
            .paragraph(
                say(
                    "The invitation is open until \(say.date(text("invitation_expires_at"))). Not interested? Declining needs no account:",
                    "L’invitation est ouverte jusqu’au \(say.date(text("invitation_expires_at"))). Pas intéressé·e ? Décliner ne demande pas de compte :"
                )))
        blocks.append(
            .link(
                label: say("Decline the invitation", "Décliner l’invitation"),
                url: links.web("/invitations/decline", [("token", text("decline_token"))])))
        return Letter(
            subject: say("\(inviter) invites you to \(community)", "\(inviter) vous invite dans \(community)"),
            body: MailBody(blocks))
    }

    private static func digest(_ parameters: [String: Any], say: Wording, links: MailLinks) -> Letter {
        let items = parameters["items"] as? [[String: String]] ?? []
        let total = (parameters["total"] as? NSNumber)?.intValue ?? items.count
        var blocks: [MailBlock] = [
            .paragraph(
                total == 1
                    ? say("You have 1 unread notification:", "Vous avez 1 notification non lue :")
                    : say("You have \(total) unread notifications:", "Vous avez \(total) notifications non lues :")),
            .items(items.map { say.notification($0) }),
        ]
        if total > items.count {
            blocks.append(.paragraph(say("… and \(total - items.count) more.", "… et \(total - items.count) autres.")))
        }
        blocks.append(.link(label: say("Read them", "Les lire"), url: links.web("/notifications")))
        blocks.append(
            .paragraph(
                say(
                    "You receive this digest because of your settings; choose daily, weekly or none there.",
                    "Vous recevez ce résumé selon vos réglages ; choisissez-y quotidien, hebdomadaire ou aucun.")))
        blocks.append(.link(label: say("Settings", "Réglages"), url: links.web("/settings")))
        let unsubscribe = links.api(
            "/v1/digest-unsubscriptions", [("token", parameters["unsubscribe_token"] as? String ?? "")])
        return Letter(
            subject: total == 1
                ? say("1 unread notification on Praxis", "1 notification non lue sur Praxis")
                : say("\(total) unread notifications on Praxis", "\(total) notifications non lues sur Praxis"),
            body: MailBody(blocks),
            headers: [
                ("List-Unsubscribe", "<\(unsubscribe)>"), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"),
            ])
    }
}

/// The words of one language.
struct Wording {
    let language: MailTemplates.Language

    func callAsFunction(_ english: String, _ french: String) -> String {
        language == .fr ? french : english
    }

    /// A moment as the reader's language writes it, in UTC (the account's time zone is its
    /// owner's business, not the message's).
    func date(_ iso8601: String) -> String {
        guard let date = try? Date(iso8601, strategy: .iso8601) else { return iso8601 }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: language == .fr ? "fr_FR" : "en_GB")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = language == .fr ? "d MMMM yyyy 'à' HH:mm 'UTC'" : "d MMMM yyyy 'at' HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// One line of a digest: what happened, and where, in words a summary holds (never a name).
    func notification(_ item: [String: String]) -> String {
        let title = item["thread_title"].map { "“\($0)”" } ?? ""
        let community = item["community_name"] ?? "Praxis"
        switch item["kind"] ?? "" {
        case "post.created": return self("A new post in \(title)", "Un nouveau message dans \(title)")
        case "post.replied": return self("A reply to you in \(title)", "Une réponse à votre message dans \(title)")
        case "post.mentioned": return self("You were mentioned in \(title)", "Vous êtes mentionné·e dans \(title)")
        case "post.hidden":
            return self("A post of yours was hidden in \(title)", "Un de vos messages a été masqué dans \(title)")
        case "post.author_revealed":
            return self("Your name was shown on a post in \(title)", "Votre nom apparaît sur un message dans \(title)")
        case "thread.created":
            return self("A new thread in \(community): \(title)", "Un nouveau fil dans \(community) : \(title)")
        case "thread.resolved": return self("Resolved: \(title)", "Résolu : \(title)")
        case "application.approved": return self("You joined \(community)", "Vous avez rejoint \(community)")
        case "circle.member_added":
            return self(
                "You were added to a circle in \(community)", "Vous avez été ajouté·e à un cercle dans \(community)")
        case "need.recorded":
            return self("A need was recorded in \(community)", "Un besoin a été enregistré dans \(community)")
        case "agenda_item.scheduled":
            return self("A need is on the agenda in \(community)", "Un besoin est à l’ordre du jour dans \(community)")
        default: return self("Something new in \(community)", "Du nouveau dans \(community)")
        }
    }
}
