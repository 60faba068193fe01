// How the events of units, beds, the roster, policy and the name change the hospital: part of `HospitalState.apply`, the only code
// that changes state (Docs/ARCHITECTURE.md, "The domain by area").

extension HospitalState {
    mutating func applySetup(_ r: Recorded, at now: Timestamp) {
        switch r.event {
        case .unitAdded(let e):
            if !units.keys.contains(e.code) { unitOrder.append(e.code) }
            units[e.code] = Unit(code: e.code, name: e.name, kind: e.kind, beds: units[e.code]?.beds ?? [])
        case .bedAdded(let e):
            guard units.keys.contains(e.unit), !beds.keys.contains(e.id) else { anomalies += 1; return }
            units[e.unit]!.beds.append(e.id)
            beds[e.id] = Bed(id: e.id, unit: e.unit, attributes: e.attributes, status: .available, since: now, patient: nil, block: nil)
        case .staffRecorded(let s):
            staff[s.login] = s
        case .policySet(let e):
            policy.set(e.key, e.value)
        case .hospitalNamed(let e):
            hospitalName = e.name
        default:
            break
        }
    }
}
