import GRDB

/// The database schema: every feature's migrations, in the one order they are applied.
///
/// A feature declares its steps as `static let migrations: [StoreMigration]` in its own
/// folder; a new feature appends its list here. Within a feature the order of its steps
/// matters; features touch only their own tables, so their lists follow one another.
enum Schema {
    static let features: [[StoreMigration]] = [
        Blockstore.migrations,
        RegisterStore.migrations,
        DevnetLedger.migrations,
        PaychStore.migrations,
        OfferCache.migrations,
        MarketStores.migrations,
        DealStore.migrations,
    ]

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in features.joined() {
            migrator.registerMigration(migration.identifier, migrate: migration.apply)
        }
        return migrator
    }
}
