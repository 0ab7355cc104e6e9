import COctetWorker
#if canImport(Glibc)
import Glibc
#endif

/// Something wrong with a kernel other than a wrong answer: the run's status says which.
public enum KernelDefect: Sendable, Hashable, CustomStringConvertible {
    case crash(signal: Int32)
    case timeout(seconds: Double)
    case exited(status: Int32)
    /// `offset` > 0: bytes past the end of the operand (1 = the first byte after it); < 0 before it.
    case oobRead(operand: String, offset: Int)
    case oobWrite(operand: String, offset: Int)
    case inputModified(operand: String, byte: Int)
    /// Fresh calls on the same input gave different answers.
    case nondeterministic(answers: [String])

    /// The JSON `status` of a run that found this defect.
    public var status: String {
        switch self {
        case .crash: return "crash"
        case .timeout: return "timeout"
        case .exited: return "exited"
        case .oobRead: return "oob-read"
        case .oobWrite: return "oob-write"
        case .inputModified: return "input-modified"
        case .nondeterministic: return "nondeterministic"
        }
    }

    public var description: String {
        switch self {
        case .crash(let s):
            let name = strsignal(s).map { String(cString: $0) } ?? "signal"
            return "the kernel crashed: signal \(s) (\(name))"
        case .timeout(let t): return "the kernel did not return within \(t) s (the worker was killed)"
        case .exited(let st): return "the kernel ended the process with exit status \(st)"
        case .oobRead(let op, let off):
            return off > 0 ? "the kernel read \(op) \(off) byte(s) past its end" : "the kernel read \(op) \(-off) byte(s) before its start"
        case .oobWrite(let op, let off):
            return off > 0 ? "the kernel wrote \(off) byte(s) past the end of \(op)" : "the kernel wrote \(-off) byte(s) before the start of \(op)"
        case .inputModified(let op, let byte): return "the kernel changed its \(op == "input" ? "input" : "input " + op) buffer (byte \(byte))"
        case .nondeterministic(let answers): return "fresh calls on the same input gave different answers: \(answers.joined(separator: ", "))"
        }
    }

    /// Whether the defect ended the worker (a new one is needed for the next batch).
    var endsWorker: Bool {
        switch self {
        case .crash, .timeout, .exited, .oobRead, .oobWrite: return true
        default: return false
        }
    }
}

/// What a batch came to: the kernel's results, or a defect (with the position of the case within
/// the batch when the harness knows it: dots run one call per case).
public enum BatchOutcome: Sendable {
    case results([CheckResult])
    case defect(KernelDefect, position: Int?)
}

/// Runs batches of cases on a kernel. `placement` chooses where the inputs sit relative to the
/// guard pages (0: ending at one, 1: starting after one, 2: shifted by one element) and, with
/// the batch number, the output's misalignment and canary pattern.
public protocol KernelRunner: AnyObject {
    func run(_ cases: [CheckCase], placement: Int) -> BatchOutcome
    /// A runner on a fresh process (or the same one, in process), for reproducing a result.
    func fresh() -> KernelRunner
}

/// The shared layout of a batch, filled from cases and read back into results.
enum BatchCodec {
    static func kind(_ k: CheckOperationKind) -> UInt32 {
        switch k {
        case .convert: return UInt32(OCTET_KIND_CONVERT_F32.rawValue)
        case .mul: return UInt32(OCTET_KIND_MUL.rawValue)
        case .dot: return UInt32(OCTET_KIND_DOT_F32.rawValue)
        case .dotI8: return UInt32(OCTET_KIND_DOT_I8.rawValue)
        }
    }

    static func kind(of c: CheckCase) -> CheckOperationKind {
        switch c {
        case .convert: return .convert
        case .mul: return .mul
        case .dot: return .dot
        case .dotI8: return .dotI8
        }
    }

    /// Writes the batch; false if it does not fit the shared region.
    static func fill(_ shared: UnsafeMutableRawPointer, _ cases: [CheckCase], placement: Int, seed: UInt64) -> Bool {
        guard let first = cases.first else { return false }
        let k = kind(of: first)
        var elements = 0
        for c in cases {
            switch c {
            case .dot(let a, _): elements += a.count
            case .dotI8(let a, _): elements += a.count
            default: break
            }
        }
        let l = octet_batch_layout(kind(k), UInt64(cases.count), UInt64(elements))
        guard l.end <= Int(OCTET_SHARED_BYTES) else { return false }
        let h = shared.assumingMemoryBound(to: octet_batch.self)
        h.pointee.kind = kind(k)
        h.pointee.placement = UInt32(placement % 3)
        h.pointee.count = UInt64(cases.count)
        h.pointee.elements = UInt64(elements)
        h.pointee.canary_seed = seed
        h.pointee.current = 0
        switch k {
        case .convert:
            let a = (shared + l.a).assumingMemoryBound(to: UInt32.self)
            for (i, c) in cases.enumerated() { if case .convert(let u) = c { a[i] = u } }
        case .mul:
            let a = (shared + l.a).assumingMemoryBound(to: UInt8.self), b = (shared + l.b).assumingMemoryBound(to: UInt8.self)
            for (i, c) in cases.enumerated() { if case .mul(let x, let y) = c { a[i] = UInt8(truncatingIfNeeded: x); b[i] = UInt8(truncatingIfNeeded: y) } }
        case .dot, .dotI8:
            let lengths = (shared + l.lengths).assumingMemoryBound(to: UInt64.self)
            let a = (shared + l.a).assumingMemoryBound(to: UInt8.self), b = (shared + l.b).assumingMemoryBound(to: UInt8.self)
            var pos = 0
            for (i, c) in cases.enumerated() {
                switch c {
                case .dot(let xs, let ys):
                    lengths[i] = UInt64(xs.count)
                    for j in 0 ..< xs.count { a[pos + j] = UInt8(truncatingIfNeeded: xs[j]); b[pos + j] = UInt8(truncatingIfNeeded: ys[j]) }
                    pos += xs.count
                case .dotI8(let xs, let ys):
                    lengths[i] = UInt64(xs.count)
                    for j in 0 ..< xs.count { a[pos + j] = UInt8(bitPattern: xs[j]); b[pos + j] = UInt8(bitPattern: ys[j]) }
                    pos += xs.count
                default: break
                }
            }
        }
        return true
    }

    static func results(_ shared: UnsafeMutableRawPointer, _ cases: [CheckCase]) -> [CheckResult] {
        guard let first = cases.first else { return [] }
        let k = kind(of: first)
        let l = octet_batch_layout(kind(k), UInt64(cases.count), shared.assumingMemoryBound(to: octet_batch.self).pointee.elements)
        switch k {
        case .convert, .mul:
            let o = (shared + l.out).assumingMemoryBound(to: UInt8.self)
            return (0 ..< cases.count).map { .code(Int(o[$0])) }
        case .dot:
            let o = (shared + l.out).assumingMemoryBound(to: UInt32.self)
            return (0 ..< cases.count).map { .binary32(o[$0]) }
        case .dotI8:
            let o = (shared + l.out).assumingMemoryBound(to: UInt32.self)
            return (0 ..< cases.count).map { .int32(Int32(bitPattern: o[$0])) }
        }
    }

    static func operandName(_ k: CheckOperationKind, _ operand: UInt32) -> String {
        switch (k, operand) {
        case (.convert, 0): return "input"
        case (_, 0): return "a"
        case (_, 1): return "b"
        default: return "output"
        }
    }

    /// The defect of a batch reply, if any.
    static func defect(_ r: octet_reply, kind k: CheckOperationKind) -> (KernelDefect, Int?)? {
        let op = operandName(k, r.operand)
        let perCall = k == .dot || k == .dotI8
        switch r.status {
        case UInt32(OCTET_OOB_READ.rawValue): return (.oobRead(operand: op, offset: Int(r.offset)), perCall ? Int(r.index) : nil)
        case UInt32(OCTET_OOB_WRITE.rawValue): return (.oobWrite(operand: op, offset: Int(r.offset)), perCall ? Int(r.index) : nil)
        case UInt32(OCTET_INPUT_MODIFIED.rawValue): return (.inputModified(operand: op, byte: Int(r.offset)), Int(r.index))
        default: return nil
        }
    }

}

/// Runs the kernel in this process (library tests with linked kernels). The same guarded call as
/// the worker's, so canaries and input copies are checked; a fault, though, ends the process.
public final class InProcessRunner: KernelRunner {
    let kernel: KernelUnderTest
    let shared: UnsafeMutableRawPointer
    let arenas: OpaquePointer
    var calls: UInt64 = 0

    public init(_ kernel: KernelUnderTest) {
        self.kernel = kernel
        shared = octet_shared_alloc()!
        arenas = octet_arenas_new()!
    }
    deinit {
        octet_shared_free(shared)
        octet_arenas_free(arenas)
    }

    var pointer: UnsafeMutableRawPointer {
        switch kernel {
        case .convert(let f): return unsafeBitCast(f, to: UnsafeMutableRawPointer.self)
        case .mul(let f): return unsafeBitCast(f, to: UnsafeMutableRawPointer.self)
        case .dot(let f): return unsafeBitCast(f, to: UnsafeMutableRawPointer.self)
        case .dotI8(let f): return unsafeBitCast(f, to: UnsafeMutableRawPointer.self)
        }
    }

    public func run(_ cases: [CheckCase], placement: Int) -> BatchOutcome {
        calls += 1
        guard BatchCodec.fill(shared, cases, placement: placement, seed: calls &* 0x9E37_79B9_7F4A_7C15) else {
            preconditionFailure("batch too large for the shared region")
        }
        let r = octet_run_batch(arenas, pointer, shared, Int(OCTET_SHARED_BYTES))
        if let (d, pos) = BatchCodec.defect(r, kind: BatchCodec.kind(of: cases[0])) { return .defect(d, position: pos) }
        return .results(BatchCodec.results(shared, cases))
    }

    public func fresh() -> KernelRunner { self }
}

/// Why a worker could not start.
public enum WorkerStartError: Error, CustomStringConvertible {
    /// The library or symbol cannot be loaded (a usage error: exit 2).
    case load(String)
    /// The worker could not be started at all.
    case spawn(String)
    /// Loading the library killed, ended or hung the worker (its constructor): a kernel defect.
    case defect(KernelDefect)

    public var description: String {
        switch self {
        case .load(let s), .spawn(let s): return s
        case .defect(let d): return "while loading the library: \(d)"
        }
    }
}

/// Runs the kernel in a worker process (`executable __worker …`): the parent survives whatever
/// the kernel does, and sees crashes, hangs and exits as defects.
public final class WorkerRunner: KernelRunner {
    public let executable: String
    public let library: String
    public let symbol: String
    public let kind: CheckOperationKind
    public let timeout: Double
    var worker = octet_worker()
    var alive = false
    var calls: UInt64 = 0
    /// Workers started so far (the first, and one after each death).
    public private(set) var starts = 0

    public init(executable: String, library: String, symbol: String, kind: CheckOperationKind, timeout: Double) throws(WorkerStartError) {
        self.executable = executable
        self.library = library
        self.symbol = symbol
        self.kind = kind
        self.timeout = timeout
        try start()
    }
    deinit { stop() }

    var timeoutMs: Int32 { Int32(clamping: Int((timeout * 1000).rounded(.up))) }

    func start() throws(WorkerStartError) {
        var reply = octet_reply()
        starts += 1
        let rc = octet_worker_start(&worker, executable, library, symbol, BatchCodec.kind(kind), timeoutMs, &reply)
        switch rc {
        case Int32(OCTET_READY.rawValue): alive = true
        case Int32(OCTET_LOAD_ERROR.rawValue):
            throw .load(withUnsafeBytes(of: reply.text) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) })
        case Int32(OCTET_TIMEOUT.rawValue): throw .defect(.timeout(seconds: timeout))
        case Int32(OCTET_DIED.rawValue): throw .defect(WorkerRunner.death(worker.wait_status))
        default: throw .spawn("cannot start the worker '\(executable)': \(String(cString: strerror(-rc)))")
        }
    }

    func stop() {
        if alive || worker.shared != nil { octet_worker_stop(&worker) }
        alive = false
    }

    static func death(_ status: Int32) -> KernelDefect {
        // WIFSIGNALED / WTERMSIG / WEXITSTATUS, spelled out (they are macros)
        let sig = status & 0x7F
        if sig != 0 && sig != 0x7F { return .crash(signal: sig) }
        return .exited(status: (status >> 8) & 0xFF)
    }

    public func run(_ cases: [CheckCase], placement: Int) -> BatchOutcome {
        if !alive {
            stop()
            do { try start() } catch {
                if case .defect(let d) = error { return .defect(d, position: nil) }
                return .defect(.exited(status: -1), position: nil)
            }
        }
        calls += 1
        guard BatchCodec.fill(worker.shared, cases, placement: placement, seed: calls &* 0x9E37_79B9_7F4A_7C15) else {
            preconditionFailure("batch too large for the shared region")
        }
        let k = BatchCodec.kind(of: cases[0])
        let perCall = k == .dot || k == .dotI8
        var reply = octet_reply()
        let rc = octet_worker_run(&worker, timeoutMs, &reply)
        let current = Int(worker.shared.assumingMemoryBound(to: octet_batch.self).pointee.current)
        switch rc {
        case Int32(OCTET_OK.rawValue):
            if let (d, pos) = BatchCodec.defect(reply, kind: k) {
                if d.endsWorker { alive = false }
                return .defect(d, position: pos)
            }
            if reply.status != UInt32(OCTET_OK.rawValue) {
                preconditionFailure("worker refused the batch: \(withUnsafeBytes(of: reply.text) { String(decoding: $0.prefix(while: { $0 != 0 }), as: UTF8.self) })")
            }
            return .results(BatchCodec.results(worker.shared, cases))
        case Int32(OCTET_TIMEOUT.rawValue):
            alive = false
            return .defect(.timeout(seconds: timeout), position: perCall ? current : nil)
        default:
            alive = false
            return .defect(WorkerRunner.death(worker.wait_status), position: perCall ? current : nil)
        }
    }

    public func fresh() -> KernelRunner {
        (try? WorkerRunner(executable: executable, library: library, symbol: symbol, kind: kind, timeout: timeout)) ?? self
    }
}

/// The worker's entry point: `octet __worker LIBRARY SYMBOL KIND` (started by `WorkerRunner`).
public enum KernelWorker {
    public static let argument = "__worker"
    public static func main(_ arguments: [String]) -> Never {
        var cargs = arguments.map { strdup($0) }
        let rc = octet_worker_main(Int32(cargs.count), &cargs)
        exit(rc)
    }
}
