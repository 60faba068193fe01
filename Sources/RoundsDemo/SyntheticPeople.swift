import RoundsDomain

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same hospital.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed &+ 0x9E37_79B9_7F4A_7C15 }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    public mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    public mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
}

/// Invented names, many with letters beyond ASCII (accents, Vietnamese, Polish, CJK, Hangul),
/// so every screen and report is exercised with real-world text widths. No real person.
enum SyntheticPeople {
    static let family = [
        "García", "Müller", "Nguyễn", "Kowalczyk", "Öztürk", "Ødegaard", "Žukauskas", "Dubois", "Rossi", "Sánchez",
        "Ivanova", "Okafor", "Haddad", "Singh", "Takahashi", "O'Brien", "Johansson", "Papadopoulos", "Mäkinen", "Fernández",
        "Adeyemi", "Lindqvist", "Novák", "Horváth", "Çelik", "Brennan", "Moreau", "da Silva", "Kaczmarek", "Ramírez",
        "Schäfer", "Lefèvre", "Jankowski", "Petrović", "Yılmaz", "Abubakar", "Hernández", "Wójcik", "Østergaard", "Ibáñez",
    ]
    static let given = [
        "José", "Zoë", "Łucja", "Søren", "Chloé", "Mónica", "Björn", "Thảo", "Ana", "Noé", "Aoife", "Jürgen", "Inés",
        "Mikołaj", "Renée", "Siobhán", "Ayşe", "Émile", "Ilse", "Tomás", "Hồng", "Zuzana", "Amara", "Kwame", "Dagný",
        "Matías", "Françoise", "Oğuz", "Rūta", "Yusuf", "Grace", "Peter", "Maria", "David", "Fatima", "Ravi", "Elena",
    ]
    /// Names written in their own scripts, family name first as is usual there.
    static let native = ["王, 秀英", "李, 伟", "佐藤, 花子", "김, 민준", "陳, 美玲", "山田, 太郎", "박, 서연"]
    static let languages = ["Spanish", "Vietnamese", "Polish", "Somali", "Mandarin", "Korean", "Arabic", "Portuguese", "Turkish", "Tagalog"]
    static let attendings = ["Dr Amelia Kovács", "Dr Tobias Ngata", "Dr Ingrid Solberg", "Dr Rahul Mehta", "Dr Chiara Bianchi",
                             "Dr Oluwaseun Bello", "Dr Hélène Girard", "Dr Kenji Mori"]

    static func name(_ rng: inout SeededRandom) -> String {
        if rng.chance(0.08) { return rng.pick(native) }
        return "\(rng.pick(family)), \(rng.pick(given))"
    }
}
