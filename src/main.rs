use std::process::ExitCode;

#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    no_transparent_huge_pages();
    kubelint::cli::main()
}

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
