/// The first index in `range` for which `isBefore` is false, given that it is true for a
/// prefix of the range and false for the rest (a binary search: what the ordered indexes and
/// views use to find where an item is or would go).
@inlinable
public func partitionPoint(_ range: Range<Int>, _ isBefore: (Int) -> Bool) -> Int {
    var lo = range.lowerBound, hi = range.upperBound
    while lo < hi {
        let mid = lo + (hi - lo) / 2
        if isBefore(mid) { lo = mid + 1 } else { hi = mid }
    }
    return lo
}
