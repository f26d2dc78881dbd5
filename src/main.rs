#[global_allocator]
static ALLOCATOR: setia::memory::Allocator = setia::memory::Allocator;

fn main() -> std::process::ExitCode {
    setia::cli::main()
}
