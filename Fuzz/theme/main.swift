// Fuzz target: a theme file (Sources/RoundsUI/Theme.swift), the user's own or one of Themes/.
// Any bytes: the theme parses with warnings and resolves for every kind of terminal.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOne(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let theme = Theme.parse(text, name: "fuzz.theme")
    for colors in [0, 8, 16, 256] {
        let resolved = theme.resolve(colors: colors)
        for slot in StyleSlot.allCases {
            let r = resolved.style(slot)
            precondition(colors == 0 || (r.foreground ?? 0) < max(colors, 8) && (r.background ?? 0) < max(colors, 8),
                         "a colour the terminal does not have")
        }
    }
    return 0
}
