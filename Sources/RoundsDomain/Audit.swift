extension HospitalState {
    /// The patients an event is about, resolving task, lab, message and procedure numbers
    /// against this state (the state just before the event is applied).
    public func patients(touchedBy event: Event) -> [MRN] {
        switch event {
        case .patientRecorded(let e): [e.mrn]
        case .admissionRequested(let e): [e.mrn]
        case .admissionCancelled(let e): [e.mrn]
        case .bedReserved(let e): [e.mrn]
        case .reservationReleased(let e): beds[e.bed]?.patient.map { [$0] } ?? []
        case .bedAssigned(let e): [e.mrn]
        case .patientTransferred(let e): [e.mrn]
        case .bedsSwapped(let e): [e.first, e.second]
        case .patientDischarged(let e): [e.mrn]
        case .stayUpdated(let e): [e.mrn]
        case .taskCreated(let e): e.patient.map { [$0] } ?? []
        case .taskStatusChanged(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .taskReassigned(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .taskRescheduled(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .taskNoted(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .taskEscalated(let e): tasks[e.id]?.patient.map { [$0] } ?? []
        case .labOrdered(let e): [e.mrn]
        case .labProgressed(let e): labs[e.id].map { [$0.mrn] } ?? []
        case .labResulted(let e): labs[e.id].map { [$0.mrn] } ?? []
        case .labAcknowledged(let e): labs[e.id].map { [$0.mrn] } ?? []
        case .criticalCommunicated(let e): labs[e.lab].map { [$0.mrn] } ?? []
        case .labCancelled(let e): labs[e.id].map { [$0.mrn] } ?? []
        case .procedureBooked(let e): [e.mrn]
        case .procedureRescheduled(let e): procedures[e.id].map { [$0.mrn] } ?? []
        case .procedureStatusChanged(let e): procedures[e.id].map { [$0.mrn] } ?? []
        case .procedureNotReady(let e): procedures[e.id].map { [$0.mrn] } ?? []
        case .messageSent(let e): e.patient.map { [$0] } ?? []
        case .messageRead(let e): messages[e.id]?.patient.map { [$0] } ?? []
        case .messageAcknowledged(let e): messages[e.id]?.patient.map { [$0] } ?? []
        case .messageEscalated(let e): messages[e.id]?.patient.map { [$0] } ?? []
        case .accessRecorded(let e): e.patient.map { [$0] } ?? []
        case .unitAdded, .bedAdded, .staffRecorded, .policySet, .bedStatusChanged, .bedBlocked, .bedUnblocked,
             .sessionOpened, .breakGlassStarted, .breakGlassEnded, .breakGlassReviewed, .handoverStarted, .handoverStatusChanged, .shiftsDefined, .hospitalNamed: []
        case .ipassUpdated(let e): [e.mrn]
        case .handoverAcknowledged(let e): patients[e.item] != nil ? [e.item] : []
        }
    }
}
