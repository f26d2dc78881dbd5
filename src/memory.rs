//! Setia's allocators: mimalloc for small blocks, glibc for large ones, and what Setia asks of
//! glibc so that memory bounded by design (password hashing slots, report slots) is also
//! bounded in the process's resident size. Part of the kernel.

/// glibc raises its mmap threshold after the first large free; from then on every 19 MB argon2
/// block array lands in the heap of whichever blocking thread ran it and stays there, so peak
/// memory grew with the threads that ever hashed (measured: 16 hashes under a bound of 2 still
/// peaked at 271 MB; with a fixed threshold 43 MB). A fixed threshold keeps large allocations
/// mmapped and hands them back on free, so the bound really bounds memory. [`Allocator`]
/// sends such blocks here for that reason (mimalloc alone kept them: 210 MB, bench finding 8).
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

/// Setia's global allocator: mimalloc for the small, short-lived blocks a request makes (rows,
/// strings, the page being rendered), glibc for blocks of [`LARGE`] and more. mimalloc's
/// free lists per thread cost less than glibc's heaps shared under a lock ([`bound_arenas`]);
/// a page of 50 rows makes a thousand allocations (bench/README.md, finding 44). The large
/// blocks stay with glibc because its fixed mmap threshold ([`return_large_allocations`])
/// hands them back to the system when freed: mimalloc alone kept the 19 MB argon2 blocks of a
/// sign-up flood in its thread heaps (210 MB, finding 8).
pub struct Allocator;

/// Blocks of this size and more go to glibc (the mmap threshold set by
/// [`return_large_allocations`]).
const LARGE: usize = 1 << 20;

fn large(size: usize) -> bool {
    size >= LARGE
}

// SAFETY: each block is allocated and freed by the same allocator: the choice depends only on
// the layout's size, which Rust passes unchanged to `dealloc` and `realloc`; a `realloc` that
// crosses `LARGE` moves the block between the two.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if large(layout.size()) {
            std::alloc::System.alloc(layout)
        } else {
            mimalloc::MiMalloc.alloc(layout)
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if large(layout.size()) {
            std::alloc::System.alloc_zeroed(layout)
        } else {
            mimalloc::MiMalloc.alloc_zeroed(layout)
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        if large(layout.size()) {
            std::alloc::System.dealloc(ptr, layout)
        } else {
            mimalloc::MiMalloc.dealloc(ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        match (large(layout.size()), large(new_size)) {
            (false, false) => mimalloc::MiMalloc.realloc(ptr, layout, new_size),
            (true, true) => std::alloc::System.realloc(ptr, layout, new_size),
            _ => {
                // SAFETY: the caller guarantees `new_size` with this alignment is a valid layout.
                let new_layout =
                    std::alloc::Layout::from_size_align_unchecked(new_size, layout.align());
                let new = self.alloc(new_layout);
                if !new.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                new
            }
        }
    }
}

/// Hands the free memory of this thread's mimalloc heap back to the system. For the blocking
/// threads that run offloaded reads (reports, the dashboard): each has a heap of its own, and
/// what a year of rows left free there stayed resident while the thread idled (16 dashboards
/// at once peaked at 198 MB; bench/README.md, finding 44).
pub fn release_thread_heap() {
    // SAFETY: mi_collect only frees memory the heap holds unused; callable on any thread.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

#[cfg(test)]
mod tests {
    use std::alloc::{GlobalAlloc, Layout};

    use super::{Allocator, LARGE};

    /// A block keeps its bytes when it grows past `LARGE` (moving to glibc) and shrinks back
    /// (moving to mimalloc), and each move frees the old block with its own allocator.
    #[test]
    fn a_block_keeps_its_bytes_across_the_large_threshold() {
        let small = Layout::from_size_align(1000, 8).unwrap();
        // SAFETY: every pointer comes from `Allocator` with the layout it is freed with.
        unsafe {
            let p = Allocator.alloc(small);
            assert!(!p.is_null());
            for i in 0..1000 {
                *p.add(i) = (i % 251) as u8;
            }
            let big = Allocator.realloc(p, small, 2 * LARGE);
            assert!(!big.is_null());
            *big.add(2 * LARGE - 1) = 7;
            let back = Allocator.realloc(big, Layout::from_size_align(2 * LARGE, 8).unwrap(), 500);
            assert!(!back.is_null());
            assert!((0..500).all(|i| *back.add(i) == (i % 251) as u8));
            Allocator.dealloc(back, Layout::from_size_align(500, 8).unwrap());
        }
    }
}
