/// mimalloc: per-thread heaps without glibc's arena locks (see bench/README.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    setia::cli::main()
}
