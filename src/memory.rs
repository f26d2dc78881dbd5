//! What Setia asks of glibc's allocator, so that memory bounded by design (password hashing
//! slots, report slots) is also bounded in the process's resident size. Part of the kernel.

/// glibc raises its mmap threshold after the first large free; from then on every 19 MB argon2
/// block array lands in the heap of whichever blocking thread ran it and stays there, so peak
/// memory grew with the threads that ever hashed (measured: 16 hashes under a bound of 2 still
/// peaked at 271 MB; with a fixed threshold 43 MB). A fixed threshold keeps large allocations
/// mmapped and hands them back on free, so the bound really bounds memory. (mimalloc was tried
/// as the global allocator: the sign-up flood then peaked at 210 MB; see bench/README.md.)
pub fn return_large_allocations() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator tunable; it is callable at any time.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// Caps glibc's heaps (arenas) at one per core (at least two). glibc's default is eight per
/// core, and a thread keeps to the heap it first got: the SQLite reads of reports hop between
/// tokio's blocking threads, and every heap they touched kept its share of their page caches
/// (16 dashboards at once: 160 MB, with this cap 89 MB). Threads share a heap under a lock
/// instead, which costs little with as many heaps as cores.
pub fn bound_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes an allocator tunable; it is callable at any time.
    unsafe {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get().max(2));
        libc::mallopt(libc::M_ARENA_MAX, cores as libc::c_int);
    }
}

/// Every `period`, hands the free pages of every thread's heap back to the system
/// (`malloc_trim`). Each SQLite connection and runtime thread has its own heap (arena); what a
/// burst of searches freed there stays resident until that thread allocates again, so the
/// process carried a busy minute's peak into the next one (the login flood started from 100 MB
/// left by earlier reads). Runs on the blocking pool; a few milliseconds per call.
pub fn trim_every(period: std::time::Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(period);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let _ = tokio::task::spawn_blocking(trim).await;
        }
    })
}

fn trim() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only releases free memory; it is thread-safe and callable at any time.
    unsafe {
        libc::malloc_trim(0);
    }
}
