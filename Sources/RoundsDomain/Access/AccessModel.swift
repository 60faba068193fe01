// The audit of reads: the event recorded when someone looks at, searches or exports patient data.

public struct AccessRecorded: Equatable, Sendable, Encodable {
    public var kind: AccessKind; public var patient: MRN?; public var detail: String
    public init(kind: AccessKind, patient: MRN?, detail: String) { self.kind = kind; self.patient = patient; self.detail = detail }
}
