#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The function types of `octet_kernel.h`, as Swift sees them.
public typealias ConvertF32Kernel = @convention(c) (UnsafePointer<Float>?, UnsafeMutablePointer<UInt8>?, Int) -> Void
public typealias MulKernel = @convention(c) (UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, Int) -> Void
public typealias DotF32Kernel = @convention(c) (UnsafePointer<UInt8>?, UnsafePointer<UInt8>?, Int) -> Float
public typealias DotI8Kernel = @convention(c) (UnsafePointer<Int8>?, UnsafePointer<Int8>?, Int) -> Int32

/// A kernel under test: one function of the C ABI.
public enum KernelUnderTest: @unchecked Sendable {
    case convert(ConvertF32Kernel)
    case mul(MulKernel)
    case dot(DotF32Kernel)
    case dotI8(DotI8Kernel)
}

public struct KernelLoadError: Error, CustomStringConvertible {
    public let description: String
}

/// Loads a symbol from a shared library with dlopen/dlsym. The library stays loaded for the life
/// of the process (a checker's run), so the function pointer stays valid.
public enum KernelLoader {
    public static func symbol(library path: String, name: String) throws -> UnsafeMutableRawPointer {
        // dlopen looks a name without a slash up in the system's library paths, not in the
        // current folder: `--kernel libmine.so` means the file here, as it does for any tool.
        let path = !path.contains("/") && access(path, F_OK) == 0 ? "./" + path : path
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "unknown error"
            throw KernelLoadError(description: "cannot load kernel library '\(path)': \(why)")
        }
        _ = dlerror()
        guard let sym = dlsym(handle, name) else {
            let why = dlerror().map { String(cString: $0) } ?? "not found"
            throw KernelLoadError(description: "library '\(path)' has no symbol '\(name)': \(why)")
        }
        return sym
    }

    public static func load(library path: String, symbol name: String, as op: CheckOperationKind) throws -> KernelUnderTest {
        let p = try symbol(library: path, name: name)
        switch op {
        case .convert: return .convert(unsafeBitCast(p, to: ConvertF32Kernel.self))
        case .mul: return .mul(unsafeBitCast(p, to: MulKernel.self))
        case .dot: return .dot(unsafeBitCast(p, to: DotF32Kernel.self))
        case .dotI8: return .dotI8(unsafeBitCast(p, to: DotI8Kernel.self))
        }
    }
}
