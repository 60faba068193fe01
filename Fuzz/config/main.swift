// Fuzz target: the config file, $XDG_CONFIG_HOME/rounds/config (Sources/rounds/Config.swift).
// Any bytes: settings and warnings, never a trap.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let config = Config.parse(text, path: "config")
    if let lock = config.idleLock { precondition(lock >= .seconds(1) && lock <= .minutes(15), "idle lock out of range") }
    return 0
}
