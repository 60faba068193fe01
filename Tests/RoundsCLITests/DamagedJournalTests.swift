import Foundation
import Testing
import RoundsDomain
import RoundsJournal
import RoundsEngine
import RoundsTestSupport

/// Reading a journal damaged in the middle (issue 23): reports, time travel, the dump and the
/// audit up to the last good record, marked PARTIAL; `journal salvage` copies the good part
/// into a new journal that verifies and opens. The damaged file is never changed.
@Suite(.serialized) struct DamagedJournalTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible {
        case flippedByte, truncatedRecord, zeroedBlock
        var testDescription: String { rawValue }

        func apply(to bytes: inout [UInt8]) {
            let middle = bytes.count / 2
            switch self {
            case .flippedByte: bytes[middle] ^= 0x20
            case .truncatedRecord: bytes.removeSubrange(middle..<(middle + 7))
            case .zeroedBlock:
                // A block of the disk read back as zeros, part-way through a record.
                let block = (middle / 4096) * 4096 + 100
                for i in block..<(block + 4096) { bytes[i] = 0 }
            }
        }
    }

    @Test(arguments: Damage.allCases)
    func readUpToTheDamageAndSalvageTheRest(_ damage: Damage) throws {
        let dir = TemporaryDirectory(); defer { dir.remove() }
        let j = try demoJournal(dir)
        try rounds(["exec", "--journal", j, "admit DMG001 name \"Damage, Test\" dob 1950-01-01 sex f from ed"])
        var bytes = readFile(j)
        damage.apply(to: &bytes)
        writeFile(j, bytes)
        let verify = try rounds(["journal", "verify", j])
        #expect(verify.status == 1, "\(verify.out)\(verify.err)")
        let good = try Journal.verify(at: j)
        guard case .damaged(let found) = good.verdict else { Issue.record("not damage: \(good.verdict)"); return }
        #expect(good.lastSeq > 10 && good.lastSeq < 10_000)

        // Without the flag: refused, with the way to read it anyway.
        let refused = try rounds(["report", "census", "--journal", j])
        #expect(refused.status == 1)
        #expect(refused.err.contains("record seq \(found.seq)"), "\(refused.err)")
        #expect(refused.err.contains("--up-to-damage"), "\(refused.err)")

        let banner = "PARTIAL: \(j) is damaged at byte offset \(found.offset) (record seq \(found.seq)"
        let census = try rounds(["report", "census", "--journal", j, "--up-to-damage"])
        #expect(census.status == 0, "\(census.err)")
        #expect(census.out.hasPrefix(banner), "\(census.out.prefix(300))")
        #expect(census.out.contains("up to seq \(good.lastSeq), nothing recorded after the damage"))
        #expect(census.out.contains("Census at"))
        #expect(census.err.contains(banner))

        let json = try rounds(["report", "beds", "--journal", j, "--up-to-damage", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any], "\(json.out.prefix(300))")
        let partial = try #require(object["partial"] as? [String: Any])
        #expect(partial["damaged_at_offset"] as? Int == found.offset)
        #expect(partial["last_good_seq"] as? Int == Int(good.lastSeq))
        #expect(object["report"] is [[String: Any]])
        let csv = try rounds(["report", "worklist", "--journal", j, "--up-to-damage", "--format", "csv"])
        #expect(csv.out.hasPrefix("# " + banner))
        let html = try rounds(["report", "labs", "--journal", j, "--up-to-damage", "--format", "html"])
        #expect(html.out.contains("<body>\n<p class=\"partial\"><strong>PARTIAL</strong>"))

        // Time travel: the hospital as it was the evening before, up to the damage.
        let past = try rounds(["report", "beds", "--journal", j, "--up-to-damage", "--at", "2026-11-21 20:00"])
        #expect(past.status == 0, "\(past.err)")
        #expect(past.out.hasPrefix(banner))

        let dump = try rounds(["journal", "dump", j, "--up-to-damage"])
        #expect(dump.status == 0, "\(dump.err)")
        let lines = dump.out.split(separator: "\n")
        let first = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any]
        #expect((first?["partial"] as? [String: Any])?["damaged_seq"] as? Int == Int(found.seq))
        #expect(lines.count == Int(good.lastSeq) + 1, "the partial line, then every good record")
        #expect(lines.last?.contains("\"seq\":\(good.lastSeq),") == true)

        let audit = try rounds(["audit", "--journal", j, "--up-to-damage", "--format", "csv"])
        #expect(audit.status == 0, "\(audit.err)")
        #expect(audit.out.hasPrefix("# " + banner))
        #expect(!audit.out.contains("DMG001"), "the admission after the damage is not read")

        // Every read was recorded beside the journal, and the journal was not touched.
        #expect(readFile(j) == bytes)
        let reads = String(decoding: readFile(j + ".partial-reads"), as: UTF8.self).split(separator: "\n")
        #expect(reads.count == 7, "\(reads)")

        // Salvage: the good records into a new journal, which verifies and opens.
        let salvaged = dir.file("salvaged.rj")
        let salvage = try rounds(["journal", "salvage", j, salvaged])
        #expect(salvage.status == 0, "\(salvage.err)")
        #expect(salvage.out.contains("\(good.records) records copied"), "\(salvage.out)")
        #expect(salvage.out.contains("chain head \(good.head)"))
        #expect(readFile(j) == bytes, "the damaged journal is unchanged")
        let check = try rounds(["journal", "verify", salvaged])
        #expect(check.status == 0, "\(check.out)\(check.err)")
        #expect(try rounds(["journal", "verify", salvaged, "--head", good.head.description]).status == 0)
        let report = try rounds(["report", "census", "--journal", salvaged])
        #expect(report.status == 0, "\(report.err)")
        #expect(!report.out.contains("PARTIAL"))
        // The salvage and the reads before it are in the new journal's audit.
        let trail = try rounds(["audit", "--journal", salvaged, "--format", "csv"])
        #expect(trail.out.contains("salvaged from \(j): \(good.records) records up to seq \(good.lastSeq)"), "\(trail.out.suffix(800))")
        #expect(trail.out.contains("report census text, up to seq \(good.lastSeq) of a damaged journal"))
        // Work goes on in the new journal.
        #expect(try rounds(["exec", "--journal", salvaged, "task add \"after the salvage\""]).status == 0)

        // Never over an existing file, and never from an intact journal.
        let again = try rounds(["journal", "salvage", j, salvaged])
        #expect(again.status == 1)
        #expect(again.err.contains("already exists"), "\(again.err)")
        let intact = try rounds(["journal", "salvage", salvaged, dir.file("fork.rj")])
        #expect(intact.status == 1)
        #expect(intact.err.contains("is intact: there is nothing to salvage"), "\(intact.err)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("fork.rj")))
        #expect(readFile(j) == bytes)
    }
}
