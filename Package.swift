// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "filtop",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "filtop", targets: ["filtop"]),
        .library(name: "NodeKit", targets: ["NodeKit"]),
        .library(name: "TermUI", targets: ["TermUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CSodium",
            pkgConfig: "libsodium",
            providers: [.apt(["libsodium-dev"]), .brew(["libsodium"])]
        ),
        .systemLibrary(
            name: "CNcurses",
            pkgConfig: "ncursesw",
            providers: [.apt(["libncurses-dev"]), .brew(["ncurses"])]
        ),
        .systemLibrary(name: "CMalloc"),
        .target(
            name: "CSHA256",
            cSettings: [.unsafeFlags(["-O3"])]
        ),
        .target(name: "CBoringAEAD"),
        .target(
            name: "NodeKit",
            dependencies: [
                "CSodium",
                "CBoringAEAD",
                "CSHA256",
                "CMalloc",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .target(
            name: "TermUI",
            dependencies: ["CNcurses", .product(name: "TOMLKit", package: "TOMLKit")]
        ),
        .executableTarget(
            name: "filtop",
            dependencies: [
                "NodeKit",
                "TermUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Themes")]
        ),
        .target(name: "NodeKitTesting", dependencies: ["NodeKit", .product(name: "NIOCore", package: "swift-nio")], path: "Tests/NodeKitTesting"),
        .testTarget(name: "NodeKitTests", dependencies: ["NodeKit", "NodeKitTesting"]),
        .target(name: "TermUITestSupport", dependencies: ["TermUI"], path: "Tests/TermUITestSupport"),
        .testTarget(name: "TermUITests", dependencies: ["TermUI", "TermUITestSupport"], exclude: ["__Snapshots__"]),
        .testTarget(name: "filtopTests", dependencies: ["filtop", "NodeKit", "NodeKitTesting", "TermUI", "TermUITestSupport"], exclude: ["__Snapshots__"]),
    ],
    swiftLanguageModes: [.v6]
)
