use std::process::ExitCode;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_transparent_huge_pages();
    return_freed_memory_promptly();
    kubelint::cli::main()
}

/// mimalloc (v3) keeps pages it no longer uses for a second before giving them back to the
/// system: a run frees its parser's scratch space and its trees as it goes, and a whole
/// run on 100k documents takes a few seconds, so that second showed as peak memory (791 against
/// 731 MiB with a 1 ms delay, the same system time; with no delay at all the system time
/// doubled).
#[cfg(feature = "mimalloc")]
fn return_freed_memory_promptly() {
    /// `mi_option_purge_delay` in mimalloc.h (the same in its v2 and v3), which the
    /// bindings do not name.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one integer option; mimalloc reads this one each time it purges.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 1) }
}

#[cfg(not(feature = "mimalloc"))]
fn return_freed_memory_promptly() {}

/// Turns transparent huge pages off for this process. mimalloc asks for them on its arenas;
/// a run touches its trees once, so the kernel then zeroes whole 2 MiB pages on first touch:
/// on the 100k-document benchmark that was 2.1-3.9 s of system time against 1.0-1.3 s with
/// 4 KiB pages, and 17 % of the wall time (README, Benchmark). Memory use is the same.
#[cfg(all(feature = "mimalloc", target_os = "linux"))]
fn no_transparent_huge_pages() {
    // SAFETY: PR_SET_THP_DISABLE takes integer arguments only and touches no memory of ours.
    // A kernel without it returns an error, which changes nothing.
    unsafe {
        libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
    }
}

#[cfg(not(all(feature = "mimalloc", target_os = "linux")))]
fn no_transparent_huge_pages() {}
