import AccessControl
import Crypto
import Foundation
import Postgres

/// Threads' notifications: about a thread (opened where one follows, resolved) and a post (in a
/// followed thread, a reply, a mention; one's own hidden, or its author revealed). A summary holds ids and the thread's
/// title, never who wrote. Read only while the person still sees the thread, and for a post, its
/// words.
public enum ThreadsNotifications {
    public static let scope = NotificationScope(
        subjectTypes: ["thread", "post"], scope: .threadsRead, visible: visible)

    static func visible(_ caller: Caller) -> SQL {
        """
        ((nt.subject_type = 'thread' AND EXISTS (SELECT 1 FROM threads t WHERE t.id = nt.subject_id
                                                 AND \(Visibility.thread(caller))))
         OR (nt.subject_type = 'post' AND EXISTS (SELECT 1 FROM posts p JOIN threads t ON t.id = p.thread_id
                                                  WHERE p.id = nt.subject_id AND \(Visibility.thread(caller))
                                                    AND \(Visibility.postWords(caller)))))
        """
    }

    static func summary(thread: UUID, title: String?, post: UUID? = nil) -> String {
        var object: [String: String] = ["thread_id": thread.lowercasedString]
        if let title { object["thread_title"] = title }
        if let post { object["post_id"] = post.lowercasedString }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
