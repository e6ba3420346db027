import Foundation
import Postgres
import TestSupport
import Testing

@Suite struct SQLTests {
    @Test func interpolatedValuesAreBoundAndNumberedInOrder() {
        let community = UUID()
        let visible: SQL = "ci.community_id = \(community) AND ci.name <> \("x'; DROP TABLE circles; --")"
        let id = UUID()
        let query: SQL = "SELECT ci.id FROM circles ci WHERE ci.id = \(id) AND \(visible) LIMIT \(21)"
        #expect(
            query.text
                == "SELECT ci.id FROM circles ci WHERE ci.id = $1 AND ci.community_id = $2 AND ci.name <> $3 LIMIT $4")
        #expect(
            query.bindings.map(\.postgresText) == [
                id.postgresText, community.postgresText, "x'; DROP TABLE circles; --", "21",
            ])
    }

    @Test func joinedFragmentsKeepTheirValues() {
        let parts: [SQL] = ["a = \(1)", "b = \(2)", "c IS NULL"]
        let joined = SQL.joined(parts, separator: " AND ")
        let query: SQL = "SELECT 1 WHERE \(joined) AND d = \(4)"
        #expect(query.text == "SELECT 1 WHERE a = $1 AND b = $2 AND c IS NULL AND d = $3")
        #expect(query.bindings.map(\.postgresText) == ["1", "2", "4"])
    }

    @Test func rowsAreReadByNameAndAnAmbiguousOrMissingColumnIsAnError() throws {
        let id = UUID()
        let row = try ConnectionTests.pool().withConnection { connection in
            try connection.single(
                "SELECT \(id)::uuid AS id, \(41)::int + 1 AS answer, NULL::text AS nothing, 'x' AS twice, 'y' AS twice")
        }
        #expect(try row["id"] as UUID == id)
        #expect(try row["answer"] as Int == 42)
        #expect(try row["nothing"] as String? == nil)
        #expect(throws: RowDecodingError.self) { try row["nothing"] as String }
        #expect(throws: RowDecodingError.self) { try row["twice"] as String }
        #expect(throws: RowDecodingError.self) { try row["absent"] as String }
    }

    @Test func aStatementIsPreparedOncePerConnectionWhateverItsValues() throws {
        try ConnectionTests.pool(size: 1).withConnection { connection in
            for value in 1...3 { _ = try connection.single("SELECT \(value)::int AS n") }
            let prepared = try connection.single(
                "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE statement LIKE \("SELECT $1::int AS n%")")
            #expect(try prepared["n"] as Int == 1)
        }
    }
}
