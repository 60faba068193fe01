// Patients, stays, units and beds, and the events that change them (Docs/ARCHITECTURE.md, "The domain by area").

/// A unit (ward) and its beds, in the order they were added.
public struct Unit: Equatable, Sendable, Encodable {
    public var code: UnitCode
    public var name: String
    public var kind: UnitKind
    public var beds: [BedID]
}

/// Why a bed is out of service, since when, until when (optional), and what it returns to.
public struct BedBlock: Equatable, Sendable, Encodable {
    public var reason: String
    public var since: Timestamp
    public var until: Timestamp?
    /// `available` or `dirty`: the state the bed had before it was blocked.
    public var returnsTo: BedStatus
}

public struct Bed: Equatable, Sendable, Encodable {
    public var id: BedID
    public var unit: UnitCode
    public var attributes: Set<BedAttribute>
    public var status: BedStatus
    public var since: Timestamp
    /// The patient in the bed (occupied) or held for (reserved).
    public var patient: MRN?
    public var block: BedBlock?

    public var isIsolationCapable: Bool { attributes.contains(.isolation) }
}

public struct Patient: Equatable, Sendable, Encodable {
    public var mrn: MRN
    public var name: String
    public var dateOfBirth: LocalDate
    public var sex: Sex
    /// Preferred language; nil means English.
    public var language: String?
    public var interpreter: Bool
    public var precautions: Set<Precaution>
    public var fallRisk: Bool
    public var livesAlone: Bool

    public init(mrn: MRN, name: String, dateOfBirth: LocalDate, sex: Sex, language: String? = nil,
                interpreter: Bool = false, precautions: Set<Precaution> = [], fallRisk: Bool = false, livesAlone: Bool = false) {
        self.mrn = mrn; self.name = name; self.dateOfBirth = dateOfBirth; self.sex = sex; self.language = language
        self.interpreter = interpreter; self.precautions = precautions; self.fallRisk = fallRisk; self.livesAlone = livesAlone
    }

    public var needsIsolationBed: Bool { precautions.contains { $0.needsIsolationBed } }
}

public enum StayPhase: String, Vocabulary {
    /// In the placement queue, waiting for a bed.
    case waiting
    /// In a bed.
    case inBed = "in-bed"
    case discharged
    /// Left the queue without a bed (admission cancelled).
    case cancelled
}

public struct BedMove: Equatable, Sendable, Encodable {
    public var bed: BedID
    public var from: Timestamp
    public var to: Timestamp?
    /// Recorded when a placement rule (isolation, bed attributes) was overridden.
    public var override: String?
}

public struct Stay: Equatable, Sendable, Encodable {
    public var id: StayID
    public var mrn: MRN
    public var source: AdmissionSource
    public var requestedAt: Timestamp
    /// Unit asked for, if any (placement preference, not a rule).
    public var wantedUnit: UnitCode?
    /// Bed attributes this patient needs (telemetry, bariatric); isolation follows precautions.
    public var needs: Set<BedAttribute>
    public var attending: String?
    public var expectedDischarge: LocalDate?
    public var phase: StayPhase
    public var admittedAt: Timestamp?
    public var bed: BedID?
    public var history: [BedMove]
    public var dischargedAt: Timestamp?
    public var disposition: Disposition?
    /// I-PASS: illness severity (nil: not assessed), a one-line summary, "if … then …"
    /// contingencies and situation-awareness notes, kept for the length of the stay.
    public var severity: Severity? = nil
    public var summary: String? = nil
    public var contingencies: [String] = []
    public var awareness: [String] = []
}

public struct AdmissionRequested: Equatable, Sendable, Encodable {
    public var stay: StayID; public var mrn: MRN; public var source: AdmissionSource; public var wantedUnit: UnitCode?
    public var needs: Set<BedAttribute>; public var attending: String?; public var expectedDischarge: LocalDate?
}

public struct AdmissionCancelled: Equatable, Sendable, Encodable { public var mrn: MRN; public var stay: StayID; public var reason: String }

public struct BedReserved: Equatable, Sendable, Encodable { public var bed: BedID; public var mrn: MRN }

public struct ReservationReleased: Equatable, Sendable, Encodable { public var bed: BedID }

public struct BedAssigned: Equatable, Sendable, Encodable { public var mrn: MRN; public var stay: StayID; public var bed: BedID; public var override: String? }

public struct PatientTransferred: Equatable, Sendable, Encodable {
    public var mrn: MRN; public var stay: StayID; public var from: BedID; public var to: BedID; public var override: String?
}

public struct BedsSwapped: Equatable, Sendable, Encodable {
    public var first: MRN; public var firstBed: BedID; public var second: MRN; public var secondBed: BedID; public var override: String?
}

public struct PatientDischarged: Equatable, Sendable, Encodable {
    public var mrn: MRN; public var stay: StayID; public var bed: BedID?; public var disposition: Disposition
}

public struct StayUpdated: Equatable, Sendable, Encodable {
    public var mrn: MRN; public var stay: StayID; public var attending: String?; public var expectedDischarge: LocalDate?
    public var needs: Set<BedAttribute>; public var wantedUnit: UnitCode?
}

public struct BedStatusChanged: Equatable, Sendable, Encodable { public var bed: BedID; public var status: BedStatus }

public struct BedBlocked: Equatable, Sendable, Encodable {
    public var bed: BedID; public var reason: String; public var until: Timestamp?; public var returnsTo: BedStatus
}

public struct BedUnblocked: Equatable, Sendable, Encodable { public var bed: BedID; public var automatic: Bool }
