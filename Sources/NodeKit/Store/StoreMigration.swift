import GRDB

/// One step of the database schema, owned by the feature whose tables it changes.
///
/// An identifier, once released, never changes and never names another step: SQLite
/// records the identifiers it has applied, and a data directory upgrades by running
/// only the steps it has not.
struct StoreMigration: Sendable {
    let identifier: String
    let apply: @Sendable (Database) throws -> Void
}
