import Foundation

/// A value several test threads read and write.
public final class Box<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: Value
    public init(_ value: Value) { stored = value }
    public var value: Value {
        get { lock.withLock { stored } }
        set { lock.withLock { stored = newValue } }
    }
    public func mutate(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
}
