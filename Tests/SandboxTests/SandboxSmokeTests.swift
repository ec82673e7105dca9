import Sandbox
import Testing

@Test func sandboxModuleLinks() {
    #expect(SandboxInfo.name.contains("sandbox"))
}
