import OctetExact
import CGMP
import Foundation
for s in ["1e-1000", "1e-10000", "1e-30000", "0x1p-100000"] {
    let t0 = Date()
    let v = try! ValueParser.parse(s)
    let t1 = Date()
    let d = v.description
    let t2 = Date()
    print(s, d.count, t1.timeIntervalSince(t0), t2.timeIntervalSince(t1))
}
