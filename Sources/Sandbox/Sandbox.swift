/// The built-in Graph API and Evolution API emulator.
public enum SandboxInfo {
    public static let name = "Switchboard sandbox"
}
