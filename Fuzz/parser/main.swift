// Fuzz target: the command language (`:` line and `rounds exec`), Sources/RoundsDomain/Hospital/Parser.swift and each area folder's …Commands.swift.
// Any bytes, read as UTF-8 the way a terminal line is: parse must answer a command or a ParseError.
import RoundsDomain

let context = ParseContext(now: Timestamp(milliseconds: 1_795_000_000_000), wallClock: WallClock { t in
    // A zone with a daylight-saving change, so local times near a jump are exercised too.
    t.milliseconds % 86_400_000 < 43_200_000 ? 3600 : 7200
})

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let line = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? CommandParser.parse(line, context: context)
    _ = CommandParser.parseSpan(line)
    _ = CommandParser.parseTime(line, context: context)
    _ = CommandParser.parseDate(line, context: context)
    return 0
}
