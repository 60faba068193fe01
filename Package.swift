// swift-tools-version:6.1
// Rounds — a full-screen terminal application for the hospital medical coordinator.
//
// Layers, one direction of dependency (see Docs/ARCHITECTURE.md):
//   RoundsDomain (pure) ← RoundsJournal ← RoundsEngine ← RoundsReports, RoundsDemo
//     ← RoundsUI (no curses) ← RoundsTerminal (the only module importing curses) ← rounds
//   RoundsUI ← RoundsAuth (the only module importing PAM) ← rounds
//   Feeds sit beside the engine: HL7v2 (messages, MLLP; standard library only) ← RoundsHL7
//     (mapping to the domain's feed actions) ← RoundsFeed (the SwiftNIO listener, through the
//     Engine's commands) ← rounds
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Rounds",
    products: [
        .executable(name: "rounds", targets: ["rounds"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // The hospital: entities, events, the pure `apply`, commands, validation, time rules.
        .target(name: "RoundsDomain", swiftSettings: strict),
        // C helpers for the journal: hardware CRC-32C (SSE 4.2, portable fall-back), one-call
        // SHA-256 through the BoringSSL that swift-crypto links in, and the file-system type.
        .target(name: "CJournal", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // The append-only, checksummed, hash-chained journal file shared by processes.
        .target(
            name: "RoundsJournal",
            dependencies: ["RoundsDomain", "CJournal"],
            swiftSettings: strict),
        // In-memory state plus journal: submit commands, catch up with other writers, run rules.
        .target(name: "RoundsEngine", dependencies: ["RoundsDomain", "RoundsJournal"], swiftSettings: strict),
        // Census, bed, worklist, lab and message reports as text, CSV and JSON.
        .target(name: "RoundsReports", dependencies: ["RoundsDomain"], swiftSettings: strict),
        // The full-screen application without a terminal: panes render into a cell grid with
        // semantic style slots; keys come in as values. No curses here.
        .target(name: "RoundsUI", dependencies: ["RoundsDomain", "RoundsJournal", "RoundsEngine", "RoundsReports"], swiftSettings: strict),
        // ncursesw through a module map and a shim header for its macros and globals.
        .systemLibrary(name: "CNCurses", path: "Sources/CNCurses", providers: [.apt(["libncursesw5-dev"])]),
        // The only module that imports curses: draws the grid, reads keys, restores the terminal.
        .target(name: "RoundsTerminal", dependencies: ["CNCurses", "RoundsUI"], swiftSettings: strict),
        // Linux-PAM through its own module map, and the one module that uses it: re-authenticate
        // the user before a locked screen shows patient data again.
        .systemLibrary(name: "CPAM", path: "Sources/CPAM", providers: [.apt(["libpam0g-dev"])]),
        .target(name: "RoundsAuth", dependencies: ["CPAM", "RoundsUI"], swiftSettings: strict),
        // HL7 v2 messages, time stamps, MLLP framing and ACKs: standard library only, so it can be fuzzed alone.
        .target(name: "HL7v2", swiftSettings: strict),
        // A feed's mapping file and the mapping of HL7 v2 messages to the domain's feed actions (pure).
        .target(name: "RoundsHL7", dependencies: ["HL7v2", "RoundsDomain"], swiftSettings: strict),
        // The HL7 listener and client: MLLP over TCP (and TLS) with SwiftNIO, applying through the Engine.
        .target(
            name: "RoundsFeed",
            dependencies: [
                "HL7v2", "RoundsHL7", "RoundsDomain", "RoundsJournal", "RoundsEngine",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict),
        // The synthetic demo hospital and the simulator that moves it forward.
        .target(name: "RoundsDemo", dependencies: ["RoundsDomain", "RoundsEngine"], swiftSettings: strict),
        .executableTarget(
            name: "rounds",
            dependencies: [
                "RoundsDomain", "RoundsJournal", "RoundsEngine", "RoundsReports", "RoundsDemo", "RoundsUI", "RoundsTerminal", "RoundsAuth",
                "HL7v2", "RoundsHL7", "RoundsFeed",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict),
        // Release-build benchmarks with machine-readable output (see Docs/PERFORMANCE.md).
        .executableTarget(
            name: "rounds-bench",
            dependencies: ["RoundsDomain", "RoundsJournal", "RoundsEngine", "RoundsDemo", "RoundsUI", "HL7v2", "RoundsHL7", "RoundsFeed"],
            swiftSettings: strict),
        // Fakes shared by the test targets: a manual clock, temporary directories, fixtures.
        .target(
            name: "RoundsTestSupport",
            dependencies: ["RoundsDomain", "RoundsJournal", "RoundsEngine"],
            swiftSettings: strict),
        .testTarget(name: "RoundsDomainTests", dependencies: ["RoundsDomain", "RoundsTestSupport"], swiftSettings: strict),
        .testTarget(
            name: "RoundsJournalTests",
            dependencies: ["RoundsDomain", "RoundsJournal", "RoundsTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        .testTarget(
            name: "RoundsEngineTests",
            dependencies: ["RoundsDomain", "RoundsJournal", "RoundsEngine", "RoundsDemo", "RoundsReports", "RoundsTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "RoundsUITests",
            dependencies: ["RoundsDomain", "RoundsEngine", "RoundsUI", "RoundsDemo", "RoundsTestSupport"],
            exclude: ["Golden"],
            swiftSettings: strict),
        .testTarget(name: "HL7v2Tests", dependencies: ["HL7v2"], swiftSettings: strict),
        .testTarget(
            name: "RoundsFeedTests",
            dependencies: ["HL7v2", "RoundsHL7", "RoundsFeed", "RoundsDomain", "RoundsJournal", "RoundsEngine", "RoundsTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "RoundsCLITests",
            dependencies: ["RoundsDomain", "RoundsJournal", "RoundsTestSupport"],
            swiftSettings: strict),
    ]
)
