import AccessControl
import Email
import Foundation
import Logging

/// The outbox's sender and the digests' writer, each on a thread of its own, in every instance
/// (claims keep them from doing one message or one digest twice).
final class MailLoop: Sendable {
    private let sender: Periodic
    private let digestWriter: Periodic

    init(delivery: MailDelivery, digests: NotificationDigests, logger: Logger) {
        sender = Periodic(name: "mail", interval: delivery.settings.pollSeconds) {
            do {
                // A full batch means more may be due: the next one goes at once.
                while try delivery.deliverDue(batch: 20) == 20 {}
            } catch {
                logger.error("mail delivery failed", metadata: ["error": "\(type(of: error))"])
            }
        }
        digestWriter = Periodic(name: "digests", interval: delivery.settings.digestPollSeconds) {
            do {
                while try digests.queueDue(batch: 50) == 50 {}
            } catch {
                logger.error("digest writing failed", metadata: ["error": "\(type(of: error))"])
            }
        }
    }

    func start() {
        sender.start()
        digestWriter.start()
    }

    func stop() {
        digestWriter.stop()
        sender.stop()
    }
}
