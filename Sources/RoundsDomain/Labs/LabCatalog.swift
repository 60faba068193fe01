/// The tests Rounds knows, with units, reference ranges and critical limits, so that a result
/// entered as a bare value is flagged the way the laboratory would flag it. A result may always
/// carry an explicit flag; unknown tests must.
public struct LabTest: Sendable, Equatable {
    public var code: String
    public var name: String
    public var units: String
    public var low: Double?
    public var high: Double?
    public var criticalLow: Double?
    public var criticalHigh: Double?

    public var range: String {
        switch (low, high) {
        case let (l?, h?): "\(LabTest.format(l))-\(LabTest.format(h))"
        case let (nil, h?): "<\(LabTest.format(h))"
        case let (l?, nil): ">\(LabTest.format(l))"
        default: ""
        }
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }

    /// The flag for a numeric value; nil when the value is not a number or the test has no range.
    public func flag(for value: String) -> ResultFlag? {
        guard let v = Double(value.trimmingPrefix("<").trimmingPrefix(">")) else { return textFlag(for: value) }
        if let c = criticalLow, v <= c { return .critical }
        if let c = criticalHigh, v >= c { return .critical }
        if let l = low, v < l { return .abnormal }
        if let h = high, v > h { return .abnormal }
        return low == nil && high == nil ? nil : .normal
    }
}

extension LabTest {
    /// The flag of a result given as words, where the test's words are known: a blood group
    /// for a type & screen ("O POS", "AB neg") and "no growth" for a blood culture are normal.
    func textFlag(for value: String) -> ResultFlag? {
        let words = value.uppercased().split(separator: " ").map(String.init)
        switch code {
        case "TS":
            guard let group = words.first, ["A", "B", "AB", "O"].contains(group.trimmingSuffix("+").trimmingSuffix("-")) else { return nil }
            let rest = words.dropFirst().joined(separator: " ")
            if rest.isEmpty && (group.hasSuffix("+") || group.hasSuffix("-")) { return .normal }
            return ["POS", "NEG", "POSITIVE", "NEGATIVE", "RH+", "RH-"].contains(rest) ? .normal : nil
        case "BCX":
            return ["NO GROWTH", "NEGATIVE", "NO GROWTH TO DATE"].contains(words.joined(separator: " ")) ? .normal : nil
        default:
            return nil
        }
    }
}

extension String {
    func trimmingSuffix(_ s: String) -> String { hasSuffix(s) && count > s.count ? String(dropLast(s.count)) : self }
}

public enum LabCatalog {
    public static let tests: [LabTest] = [
        LabTest(code: "K", name: "Potassium", units: "mmol/L", low: 3.5, high: 5.1, criticalLow: 2.8, criticalHigh: 6.2),
        LabTest(code: "NA", name: "Sodium", units: "mmol/L", low: 135, high: 145, criticalLow: 120, criticalHigh: 160),
        LabTest(code: "GLU", name: "Glucose", units: "mmol/L", low: 3.9, high: 7.8, criticalLow: 2.5, criticalHigh: 25),
        LabTest(code: "CREA", name: "Creatinine", units: "µmol/L", low: 45, high: 110, criticalLow: nil, criticalHigh: 600),
        LabTest(code: "HGB", name: "Haemoglobin", units: "g/L", low: 120, high: 170, criticalLow: 70, criticalHigh: 200),
        LabTest(code: "PLT", name: "Platelets", units: "10^9/L", low: 150, high: 400, criticalLow: 20, criticalHigh: 1000),
        LabTest(code: "WBC", name: "White cells", units: "10^9/L", low: 4, high: 11, criticalLow: 1, criticalHigh: 50),
        LabTest(code: "INR", name: "INR", units: "", low: 0.8, high: 1.2, criticalLow: nil, criticalHigh: 5),
        LabTest(code: "TNI", name: "Troponin I", units: "ng/L", low: nil, high: 26, criticalLow: nil, criticalHigh: 1000),
        LabTest(code: "LACT", name: "Lactate", units: "mmol/L", low: 0.5, high: 2.2, criticalLow: nil, criticalHigh: 4),
        LabTest(code: "CA", name: "Calcium", units: "mmol/L", low: 2.15, high: 2.55, criticalLow: 1.75, criticalHigh: 3.25),
        LabTest(code: "MG", name: "Magnesium", units: "mmol/L", low: 0.7, high: 1.0, criticalLow: 0.4, criticalHigh: 2.0),
        LabTest(code: "TS", name: "Type & screen", units: "", low: nil, high: nil, criticalLow: nil, criticalHigh: nil),
        LabTest(code: "BCX", name: "Blood culture", units: "", low: nil, high: nil, criticalLow: nil, criticalHigh: nil),
        LabTest(code: "CRP", name: "C-reactive protein", units: "mg/L", low: nil, high: 5, criticalLow: nil, criticalHigh: nil),
        LabTest(code: "APTT", name: "aPTT", units: "s", low: 25, high: 37, criticalLow: nil, criticalHigh: 100),
    ]

    public static func test(_ code: String) -> LabTest? {
        let upper = code.uppercased()
        return tests.first { $0.code == upper }
    }

    public static var codes: String { tests.map(\.code).joined(separator: ", ") }
}

extension String {
    func trimmingPrefix(_ p: String) -> String { hasPrefix(p) ? String(dropFirst(p.count)) : self }
}
