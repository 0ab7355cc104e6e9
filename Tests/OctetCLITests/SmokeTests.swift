import OctetTestSupport
import Testing

@Suite struct CLISmoke {
    @Test func decodeOneCode() throws {
        let r = try OctetBinary.run(["decode", "float8_e4m3fn", "0x7E"])
        #expect(r.status == 0)
        #expect(r.stdout == "0x7E 448\n")
    }
}
