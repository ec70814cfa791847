//! Fork and join: how a call runs its shares on several threads.
//!
//! - Called on a worker of a rayon pool, a call runs its shares on that pool (a parallel
//!   iterator: the worker runs shares itself while it waits), so it never adds threads to it.
//! - Called from any other thread, the calling thread runs the first share itself and hands the
//!   others to hpc's own pool of `cores - 1` helper threads ([`helpers`]); once its share is
//!   done it spins until the others are, for at most [`SPIN`], then sleeps.
//!
//! The second form replaced a parallel iterator on rayon's global pool, under which the calling
//! thread slept through the whole call while the pool ran every share. On the 2-core Zen 4 VM
//! that cost two wake-ups a call: a worker's at the start, the caller's at the end (c64
//! 64 x 64 x 64 on two threads: shares of 19-21 us each, the second 2-3 us late, the caller
//! back 5-17 us after the last share ended; now 0.5-1 us after it). Two threads, a process per
//! variant, old and new alternated, each process the median of 4-5 rounds of 2 GFLOP; the
//! processes' medians, old / new GFLOP/s:
//! - c64 64: 44-63 / 77-95; c32 96: 153-184 / 213-217; c64 128: 73-83 / 82-92.
//! - f64 128: 69-74 / 80-104; f32 128: 140-160 / 197-210.
//! - f64 256: 87-95 / 96-102; f32 256: 160-185 / 194-204.
//! - f64 512, 1024, f32 1024, 4096 x 64 x 4096 and 4096 x 4096 x 64: even.
//!
//! In a noisy phase of the host, both forms had processes that ran every call at about one
//! core's speed (f64 256: 6 of 16 old ones, 2 of 16 new ones, and 2 more at 0.8x). A caller
//! that ran a share and then *slept* until the others ended was bimodal in this way on an
//! earlier host too (about one process in four). Using rayon's global pool for the helpers
//! (`cores` workers beside the caller, one of them always idle) measured 1-8% slower than a
//! pool of `cores - 1`.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// How long a calling thread spins, once its own share is done, before it sleeps until the
/// last share ends.
const SPIN: Duration = Duration::from_micros(200);

/// The most threads a call made on this thread can use: the size of the rayon pool it runs on,
/// else the number of cores (the calling thread and the helpers).
pub(crate) fn max_threads() -> usize {
    if rayon::current_thread_index().is_some() {
        rayon::current_num_threads()
    } else {
        cores()
    }
}

/// The cores this process may run on (1 if unknown), read once.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| thread::available_parallelism().map_or(1, |n| n.get()))
}

/// hpc's helper threads: a rayon pool of `cores - 1` threads, started on first use.
fn helpers() -> &'static rayon::ThreadPool {
    static HELPERS: OnceLock<rayon::ThreadPool> = OnceLock::new();
    HELPERS.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads((cores() - 1).max(1))
            .thread_name(|i| format!("hpc-helper-{i}"))
            .build()
            .expect("hpc-gemm: cannot start its helper threads")
    })
}

/// Runs `work(w)` for every `w` in `0..ways` (see the module's doc for on which threads) and
/// returns when all have ended. A panic in a share reaches the caller once every share has
/// ended.
pub(crate) fn for_each(ways: usize, work: impl Fn(usize) + Sync) {
    if ways <= 1 {
        if ways == 1 {
            work(0);
        }
        return;
    }
    if rayon::current_thread_index().is_some() {
        (0..ways).into_par_iter().for_each(&work);
        return;
    }
    let left = AtomicUsize::new(ways);
    let caller = thread::current();
    helpers().in_place_scope(|s| caller_runs_first(s, ways, &left, &caller, &work));
}

/// [`for_each`] on the calling thread: spawns shares `1..ways` on the helpers, runs share 0,
/// and waits for the rest.
fn caller_runs_first<'s, F: Fn(usize) + Sync>(
    s: &rayon::Scope<'s>,
    ways: usize,
    left: &'s AtomicUsize,
    caller: &'s Thread,
    work: &'s F,
) {
    for w in 1..ways {
        s.spawn(move |_| {
            let _end = End { left, caller };
            work(w);
        });
    }
    {
        let _end = End { left, caller };
        work(0);
    }
    // Spin, then sleep, until every share has ended. `park` may return early: the loop reads
    // `left` again after each return.
    while left.load(Ordering::Acquire) != 0 {
        let start = Instant::now();
        while left.load(Ordering::Acquire) != 0 && start.elapsed() < SPIN {
            for _ in 0..32 {
                std::hint::spin_loop();
            }
        }
        if left.load(Ordering::Acquire) != 0 {
            thread::park();
        }
    }
    // Leaving the scope waits for rayon to count the spawned jobs as done too: a few
    // instructions after each one's `End`.
}

/// Counts one share as ended when dropped, even by a panic (the scope passes the panic on);
/// the last one wakes the caller, in case it has stopped spinning.
struct End<'a> {
    left: &'a AtomicUsize,
    caller: &'a Thread,
}

impl Drop for End<'_> {
    fn drop(&mut self) {
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
            // The scope outlives every share, so `caller` is still validly borrowed here.
            self.caller.unpark();
        }
    }
}

/// Runs `f(t, piece)` for each `chunk`-long piece of `data` in turn (the last may be shorter),
/// as [`for_each`] runs shares.
pub(crate) fn for_each_chunk_mut<T: Send>(
    data: &mut [T],
    chunk: usize,
    f: impl Fn(usize, &mut [T]) + Sync,
) {
    let (len, chunk) = (data.len(), chunk.max(1));
    let base = SharedMut(data.as_mut_ptr());
    for_each(len.div_ceil(chunk), |t| {
        let start = t * chunk;
        let end = (start + chunk).min(len);
        // SAFETY: the pieces are disjoint ranges inside `data`, which stays mutably borrowed
        // until every piece is done; each piece is handed to one share only.
        let piece = unsafe { std::slice::from_raw_parts_mut(base.get().add(start), end - start) };
        f(t, piece);
    });
}

/// A pointer to the elements of a slice that several shares write disjoint parts of.
struct SharedMut<T>(*mut T);

// SAFETY: shares only write disjoint elements through it (`for_each_chunk_mut`), and the
// elements may be sent between threads.
unsafe impl<T: Send> Sync for SharedMut<T> {}

impl<T> SharedMut<T> {
    fn get(&self) -> *mut T {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{AssertUnwindSafe, catch_unwind};
    use std::sync::Mutex;

    /// Which thread ran each share of `for_each(ways, ..)`, after checking each ran once.
    fn runs(ways: usize) -> Vec<thread::ThreadId> {
        let ran = Mutex::new(vec![None; ways]);
        for_each(ways, |w| {
            let mut ran = ran.lock().unwrap();
            assert!(ran[w].is_none(), "share {w} ran twice");
            ran[w] = Some(thread::current().id());
        });
        let ran = ran.into_inner().unwrap();
        ran.into_iter()
            .enumerate()
            .map(|(w, t)| t.unwrap_or_else(|| panic!("share {w} of {ways} did not run")))
            .collect()
    }

    #[test]
    fn every_share_runs_once_and_the_caller_runs_the_first() {
        let me = thread::current().id();
        assert!(runs(0).is_empty());
        assert_eq!(runs(1), vec![me]);
        for ways in [2, 3, 7, 64] {
            let ran = runs(ways);
            assert_eq!(ran[0], me, "{ways} shares: the caller runs share 0");
        }
    }

    #[test]
    fn inside_a_pool_the_shares_run_on_that_pool() {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        pool.install(|| {
            assert_eq!(max_threads(), 3);
            let ran = runs(16);
            // Every share on a worker of this pool: none on the helpers.
            let workers: Vec<_> = pool.broadcast(|_| thread::current().id());
            assert!(ran.iter().all(|t| workers.contains(t)));
        });
        assert_eq!(max_threads(), cores());
    }

    #[test]
    fn a_panicking_share_reaches_the_caller_after_the_others_end() {
        for bad in [0, 1, 3] {
            let done = AtomicUsize::new(0);
            let caught = catch_unwind(AssertUnwindSafe(|| {
                for_each(4, |w| {
                    if w == bad {
                        panic!("share {w} fails");
                    }
                    thread::sleep(Duration::from_millis(2));
                    done.fetch_add(1, Ordering::Relaxed);
                })
            }));
            let msg = caught.expect_err("the panic reaches the caller");
            let msg = msg
                .downcast_ref::<String>()
                .map(String::as_str)
                .unwrap_or("");
            assert_eq!(msg, format!("share {bad} fails"));
            assert_eq!(done.load(Ordering::Relaxed), 3, "share {bad} failed");
        }
        // The helpers still work afterwards.
        assert_eq!(runs(5).len(), 5);
    }

    #[test]
    fn chunks_are_disjoint_pieces_in_order() {
        for (len, chunk) in [(0, 4), (1, 4), (8, 4), (10, 4), (10, 100), (9, 0)] {
            let mut data = vec![usize::MAX; len];
            for_each_chunk_mut(&mut data, chunk, |t, piece| {
                assert!(!piece.is_empty());
                for (i, x) in piece.iter_mut().enumerate() {
                    assert_eq!(*x, usize::MAX, "written twice");
                    *x = t * 1000 + i;
                }
            });
            let chunk = chunk.max(1);
            let want: Vec<usize> = (0..len).map(|i| i / chunk * 1000 + i % chunk).collect();
            assert_eq!(data, want, "len {len}, chunk {chunk}");
        }
    }
}
