import Foundation

// Reading by position, while statements move to reading by name. Goes once nothing calls it.
extension Row {
    public func isNull(_ index: Int) -> Bool { values[index] == nil }
    public func string(_ index: Int) throws -> String { try String.decode(values[index], column: "\(index)") }
    public func optionalString(_ index: Int) -> String? { values[index] }
    public func enumeration<Value: RawRepresentable>(_ index: Int) throws -> Value where Value.RawValue == String {
        guard let value = Value(rawValue: try string(index)) else {
            throw RowDecodingError.badValue(column: "\(index)")
        }
        return value
    }
    public func optionalEnumeration<Value: RawRepresentable>(_ index: Int) throws -> Value?
    where Value.RawValue == String {
        isNull(index) ? nil : try enumeration(index)
    }
    public func int(_ index: Int) throws -> Int { try Int.decode(values[index], column: "\(index)") }
    public func int64(_ index: Int) throws -> Int64 { try Int64.decode(values[index], column: "\(index)") }
    public func double(_ index: Int) throws -> Double { try Double.decode(values[index], column: "\(index)") }
    public func bool(_ index: Int) throws -> Bool { try Bool.decode(values[index], column: "\(index)") }
    public func uuid(_ index: Int) throws -> UUID { try UUID.decode(values[index], column: "\(index)") }
    public func date(_ index: Int) throws -> Date { try Date.decode(values[index], column: "\(index)") }
    public func optionalDate(_ index: Int) throws -> Date? { try Date?.decode(values[index], column: "\(index)") }
    public func bytes(_ index: Int) throws -> [UInt8] { Array(try string(index).utf8) }
    public func stringArray(_ index: Int) throws -> [String] { try [String].decode(values[index], column: "\(index)") }
}
