// How the events of patients, stays and beds change the hospital: part of `HospitalState.apply`, the only code
// that changes state (Docs/ARCHITECTURE.md, "The domain by area").

extension HospitalState {
    mutating func applyStays(_ r: Recorded, at now: Timestamp) {
        switch r.event {
        case .patientRecorded(let p):
            patients[p.mrn] = p
        case .admissionRequested(let e):
            guard stays.accepts(e.stay) else { anomalies += 1; return }
            stays.insert(Stay(id: e.stay, mrn: e.mrn, source: e.source, requestedAt: now, wantedUnit: e.wantedUnit, needs: e.needs,
                                 attending: e.attending, expectedDischarge: e.expectedDischarge, phase: .waiting,
                                 admittedAt: nil, bed: nil, history: [], dischargedAt: nil, disposition: nil), at: e.stay)
            activeStay[e.mrn] = e.stay
            nextStay = max(nextStay, e.stay.number + 1)
        case .admissionCancelled(let e):
            guard stays.contains(e.stay) else { anomalies += 1; return }
            stays[e.stay]!.phase = .cancelled
            stays[e.stay]!.dischargedAt = now
            activeStay[e.mrn] = nil
            releaseReservations(of: e.mrn, at: now)
            retire(.stay(e.stay), at: now)
        case .bedReserved(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            releaseReservations(of: e.mrn, at: now)
            reservation[e.mrn] = e.bed
            beds[e.bed]?.hold(e.mrn, .reserved, at: now)
        case .reservationReleased(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            if let mrn = beds[e.bed]?.patient, reservation[mrn] == e.bed { reservation[mrn] = nil }
            setBed(e.bed, .available, at: now)
        case .bedAssigned(let e):
            guard beds.keys.contains(e.bed), stays.contains(e.stay) else { anomalies += 1; return }
            releaseReservations(of: e.mrn, at: now, except: e.bed)
            beds[e.bed]?.hold(e.mrn, .occupied, at: now)
            stays[e.stay]!.phase = .inBed
            stays[e.stay]!.bed = e.bed
            stays[e.stay]!.admittedAt = stays[e.stay]!.admittedAt ?? now
            stays[e.stay]!.history.append(BedMove(bed: e.bed, from: now, to: nil, override: e.override))
        case .patientTransferred(let e):
            guard beds.keys.contains(e.from), beds.keys.contains(e.to), stays.contains(e.stay) else { anomalies += 1; return }
            releaseReservations(of: e.mrn, at: now, except: e.to)
            setBed(e.from, .dirty, at: now)
            beds[e.to]?.hold(e.mrn, .occupied, at: now)
            closeMove(stay: e.stay, at: now)
            stays[e.stay]!.bed = e.to
            stays[e.stay]!.history.append(BedMove(bed: e.to, from: now, to: nil, override: e.override))
        case .bedsSwapped(let e):
            guard beds.keys.contains(e.firstBed), beds.keys.contains(e.secondBed),
                  let s1 = activeStay[e.first], let s2 = activeStay[e.second] else { anomalies += 1; return }
            beds[e.firstBed]?.hold(e.second, at: now)
            beds[e.secondBed]?.hold(e.first, at: now)
            closeMove(stay: s1, at: now)
            closeMove(stay: s2, at: now)
            stays[s1]!.bed = e.secondBed
            stays[s2]!.bed = e.firstBed
            stays[s1]!.history.append(BedMove(bed: e.secondBed, from: now, to: nil, override: e.override))
            stays[s2]!.history.append(BedMove(bed: e.firstBed, from: now, to: nil, override: e.override))
        case .patientDischarged(let e):
            guard stays.contains(e.stay) else { anomalies += 1; return }
            if let bed = e.bed, beds.keys.contains(bed) { setBed(bed, .dirty, at: now) }
            closeMove(stay: e.stay, at: now)
            stays[e.stay]!.phase = .discharged
            stays[e.stay]!.bed = nil
            stays[e.stay]!.dischargedAt = now
            stays[e.stay]!.disposition = e.disposition
            activeStay[e.mrn] = nil
            releaseReservations(of: e.mrn, at: now)
            retire(.stay(e.stay), at: now)
        case .stayUpdated(let e):
            guard stays.contains(e.stay) else { anomalies += 1; return }
            stays[e.stay]!.attending = e.attending
            stays[e.stay]!.expectedDischarge = e.expectedDischarge
            stays[e.stay]!.needs = e.needs
            stays[e.stay]!.wantedUnit = e.wantedUnit
        case .bedStatusChanged(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            setBed(e.bed, e.status, at: now)
            if e.status == .available { closeCleaningTasks(bed: e.bed, at: now, by: r.actor) }
        case .bedBlocked(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            if let mrn = beds[e.bed]?.patient, reservation[mrn] == e.bed { reservation[mrn] = nil }
            beds[e.bed]?.set(.blocked, at: now, block: BedBlock(reason: e.reason, since: now, until: e.until, returnsTo: e.returnsTo))
        case .bedUnblocked(let e):
            guard beds.keys.contains(e.bed) else { anomalies += 1; return }
            setBed(e.bed, beds[e.bed]?.block?.returnsTo ?? .available, at: now)
        default:
            break
        }
    }
}
