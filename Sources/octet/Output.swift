import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Output of the tool: every write to standard output and to files is checked.
//
// - `print` below shadows `Swift.print` for the whole module. It writes into `StandardOutput`'s
//   buffer, which goes to file descriptor 1 with write(2) (C's `stdout` is not reachable from
//   Swift 6 code, and write(2) gives the exact errno). The first failed write reports
//   `Error: cannot write to standard output: REASON` on standard error and exits with status 1 at
//   once, so a long stream (`gen`, `encode`, …) stops soon after its reader is gone or its disk
//   is full.
// - `OctetCommand.main` ignores SIGPIPE (a closed pipe is then EPIPE, reported like any other
//   failure) and ends every path through `StandardOutput.finish`, which flushes and checks.
// - `writeFile` writes a temporary file in the target's folder and renames it over the target.

/// The tool's standard output: a 64 KiB buffer over file descriptor 1 (flushed after every `print`
/// when it is a terminal), every write checked.
enum StandardOutput {
    static let capacity = 1 << 16
    nonisolated(unsafe) private static var buffer: [UInt8] = {
        var b: [UInt8] = []
        b.reserveCapacity(capacity)
        return b
    }()
    nonisolated(unsafe) private static var interactive = isatty(1) != 0
    /// Set once a write failed and was reported (nothing more is written, nothing reported twice).
    nonisolated(unsafe) private(set) static var failed = false
    nonisolated(unsafe) private static var registeredExitFlush = false

    /// Appends `text`; writes the buffer when it is full (or at once on a terminal).
    static func write(_ text: String) {
        var text = text
        text.withUTF8 { append($0) }
    }

    static func append(_ bytes: UnsafeBufferPointer<UInt8>) {
        if failed { return }
        registerExitFlush()
        if buffer.count + bytes.count > capacity { flushOrExit() }
        if bytes.count >= capacity {
            if let e = writeAll(bytes) { fail(e) }
        } else {
            buffer.append(contentsOf: bytes)
        }
        if interactive { flushOrExit() }
    }

    /// Writes the buffer; the errno of the failure, if any.
    static func flush() -> Int32? {
        if failed { return nil }
        guard !buffer.isEmpty else { return nil }
        let e = buffer.withUnsafeBufferPointer { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
        return e
    }

    /// Writes the buffer, or reports the failure and exits with status 1.
    static func flushOrExit() {
        if let e = flush() { fail(e) }
    }

    /// Flushes, then exits with `code`. A failed flush is reported; it turns success into status 1
    /// (a failing command keeps its own status, e.g. 2 for usage).
    static func finish(_ code: Int32) -> Never {
        if let e = flush() {
            report(e)
            Foundation.exit(code == 0 ? 1 : code)
        }
        Foundation.exit(code)
    }

    /// Reports a failed write and exits with status 1.
    static func fail(_ errorNumber: Int32) -> Never {
        report(errorNumber)
        Foundation.exit(1)
    }

    private static func report(_ errorNumber: Int32) {
        failed = true
        buffer.removeAll()
        writeStderr("Error: cannot write to standard output: \(String(cString: strerror(errorNumber)))\n")
    }

    /// write(2) of all of `bytes` to descriptor 1 (retrying short writes and EINTR).
    private static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32? {
        guard let base = bytes.baseAddress else { return nil }
        var done = 0
        while done < bytes.count {
            let n = Glibc.write(1, base + done, bytes.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            done += n
        }
        return nil
    }

    /// A safety net for a path that calls exit() without `finish`: the buffer is still written
    /// and checked (a failure then ends the process with status 1).
    private static func registerExitFlush() {
        guard !registeredExitFlush else { return }
        registeredExitFlush = true
        atexit {
            if let e = StandardOutput.flush() {
                StandardOutput.report(e)
                _exit(1)
            }
        }
    }
}

/// `Swift.print`, through `StandardOutput`: shadows the standard library's for this module.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    for (i, item) in items.enumerated() {
        if i > 0 { StandardOutput.write(separator) }
        if let s = item as? String { StandardOutput.write(s) } else { StandardOutput.write(String(describing: item)) }
    }
    StandardOutput.write(terminator)
}

/// Writes `text` to the file at `path`, creating missing parent folders. The text goes to a
/// temporary file in the same folder (`.NAME.octet-tmp-PID`), which is written, fsync'ed and
/// closed, every step checked, then renamed over the target: the target is either replaced whole
/// or left as it was, and the temporary file is removed on any failure. A path that exists and is
/// not a regular file (a device, a FIFO, `/dev/stdout`) is written in place instead. Throws
/// `CLIError("cannot write 'PATH': REASON")`.
func writeFile(_ path: String, _ text: String) throws {
    guard !path.isEmpty else { throw CLIError("empty output path") }
    func failure(_ errorNumber: Int32) -> CLIError {
        CLIError("cannot write '\(path)': \(String(cString: strerror(errorNumber)))")
    }
    var bytes = Array(text.utf8)

    // Existing non-regular targets (devices, FIFOs, /dev/stdout…) are written in place.
    var st = stat()
    let exists = stat(path, &st) == 0
    if path.hasPrefix("/dev/") || path.hasPrefix("/proc/") || (exists && (st.st_mode & S_IFMT) != S_IFREG && (st.st_mode & S_IFMT) != S_IFDIR) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
        guard fd >= 0 else { throw failure(errno) }
        if let e = writeAll(fd, &bytes) { close(fd); throw failure(e) }
        guard close(fd) == 0 else { throw failure(errno) }
        return
    }

    // A symbolic link is followed: its target is replaced, the link kept.
    var target = path
    var lst = stat()
    if lstat(path, &lst) == 0, (lst.st_mode & S_IFMT) == S_IFLNK, let resolved = realpath(path, nil) {
        target = String(cString: resolved)
        free(resolved)
    }
    let url = URL(fileURLWithPath: target)
    let folder = url.deletingLastPathComponent().path
    if let e = makeFolders(folder) { throw failure(e) }

    // The temporary file: a unique name in the same folder (so that rename is atomic).
    let stem = folder + "/." + url.lastPathComponent + ".octet-tmp-\(getpid())"
    var temp = stem
    var fd: Int32 = -1
    for k in 0 ..< 100 {
        temp = k == 0 ? stem : stem + ".\(k)"
        fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o666)
        if fd >= 0 || errno != EEXIST { break }
    }
    guard fd >= 0 else { throw failure(errno) }
    var e: Int32?
    // A file that is replaced keeps its permissions.
    if exists && (st.st_mode & S_IFMT) == S_IFREG { _ = fchmod(fd, st.st_mode & 0o7777) }
    e = writeAll(fd, &bytes)
    if e == nil && fsync(fd) != 0 { e = errno }
    if close(fd) != 0 && e == nil { e = errno }
    if e == nil && rename(temp, target) != 0 { e = errno }
    if let e {
        unlink(temp)
        throw failure(e)
    }
    // Make the rename durable (best effort: some file systems refuse fsync on a folder).
    let dirFD = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    if dirFD >= 0 { _ = fsync(dirFD); close(dirFD) }
}

/// write(2) of all of `bytes` (retrying short writes and EINTR); the errno of a failure.
private func writeAll(_ fd: Int32, _ bytes: inout [UInt8]) -> Int32? {
    bytes.withUnsafeBytes { raw -> Int32? in
        guard let base = raw.baseAddress else { return nil }
        var done = 0
        while done < raw.count {
            let n = write(fd, base + done, raw.count - done)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            if n == 0 { return EIO }
            done += n
        }
        return nil
    }
}

/// `mkdir -p`: nil, or the errno of the first folder that could not be made (ENOTDIR when a
/// component exists and is not a folder).
private func makeFolders(_ folder: String) -> Int32? {
    var st = stat()
    if stat(folder, &st) == 0 { return (st.st_mode & S_IFMT) == S_IFDIR ? nil : ENOTDIR }
    if errno != ENOENT { return errno }
    let parent = URL(fileURLWithPath: folder).deletingLastPathComponent().path
    if parent != folder, let e = makeFolders(parent) { return e }
    if mkdir(folder, 0o777) != 0 && errno != EEXIST { return errno }
    return nil
}
