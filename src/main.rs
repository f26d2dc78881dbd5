fn main() -> std::process::ExitCode {
    setia::cli::main()
}
