//! Fork and join: how a call runs its shares on several threads.
//!
//! - Called on a worker of a rayon pool, a call runs its shares on that pool (a parallel
//!   iterator: the worker runs shares itself while it waits), so it never adds threads to it.
//! - Called from any other thread, the calling thread runs the first share itself and offers
//!   the others to hpc's own pool of `cores - 1` helper threads ([`helpers`]). Shares are
//!   claimed one at a time, so that a share no helper has started by the time the caller is
//!   free, the caller runs too. Then it spins until every share has ended, for at most
//!   [`SPIN`] at a time, then sleeps. A helper whose shares are done watches for the next
//!   call's for [`HOT`] before it sleeps, so that calls in quick succession find it awake;
//!   a call wakes only as many helpers as are not watching.
//!
//! The second form replaced a parallel iterator on rayon's global pool, under which the calling
//! thread slept through the whole call while the pool ran every share: two wake-ups a call,
//! which small products on two threads paid for. History: `docs/tuning.md`, "fork.rs".

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::thread::{self, Thread};
use std::time::{Duration, Instant};

use rayon::prelude::*;

/// How long a calling thread spins, once its own share is done, before it sleeps until the
/// last share ends.
const SPIN: Duration = Duration::from_micros(200);

/// How long a helper, its shares done, keeps watching for the next call's before it goes back
/// to its pool to sleep: waking a sleeping thread (in a virtual machine, a halted core) costs
/// about as much as a Level 1 call on a vector in L2 takes (`docs/tuning.md`, "fork.rs:
/// HOT").
const HOT: Duration = Duration::from_micros(100);

/// The latest call's shares, for the helpers watching ([`HOT`]).
static LATEST: Mutex<Option<Arc<Shares>>> = Mutex::new(None);
/// Calls published in [`LATEST`] so far: what watching helpers poll.
static PUBLISHED: AtomicUsize = AtomicUsize::new(0);
/// Helpers watching now.
static WATCHING: AtomicUsize = AtomicUsize::new(0);

/// The most threads a call made on this thread can use: the size of the rayon pool it runs on,
/// else the number of cores (the calling thread and the helpers).
pub(crate) fn max_threads() -> usize {
    if rayon::current_thread_index().is_some() {
        rayon::current_num_threads()
    } else {
        cores()
    }
}

/// Threads for `work` units under `par`, at least `per_thread` units each and at most one per
/// each of `parts` pieces: the thread count of the Level 1 and 2 routines.
pub(crate) fn ways(par: crate::Par, work: usize, per_thread: usize, parts: usize) -> usize {
    par.threads()
        .min(max_threads())
        .min(work / per_thread)
        .min(parts)
        .max(1)
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
    let work: *const (dyn Fn(usize) + Sync + '_) = &work;
    // SAFETY: a pointer cast that only drops the lifetime bound (same layout). The helpers'
    // jobs may outlive this call, so they hold the pointer, which they call through only
    // while it is valid (see `Shares::work`).
    let work: *const (dyn Fn(usize) + Sync) = unsafe { std::mem::transmute(work) };
    let shares = Arc::new(Shares {
        next: AtomicUsize::new(1),
        left: AtomicUsize::new(ways),
        ways,
        work,
        caller: thread::current(),
        panic: Mutex::new(None),
    });
    // Offer the shares to the watching helpers, and wake as many others as they fall short.
    // A helper that stops watching just now leaves its share to the caller.
    let watching = WATCHING.load(Ordering::SeqCst);
    if let Ok(mut latest) = LATEST.lock() {
        *latest = Some(Arc::clone(&shares));
    }
    PUBLISHED.fetch_add(1, Ordering::SeqCst);
    for _ in watching.min(ways - 1)..ways - 1 {
        let shares = Arc::clone(&shares);
        helpers().spawn(move || help(shares));
    }
    // Share 0, then any share no helper has claimed yet.
    shares.run_one(0);
    let _ = shares.run();
    // Spin, then sleep, until every share has ended. `park` may return early: the loop reads
    // `left` again after each return.
    while shares.left.load(Ordering::Acquire) != 0 {
        let start = Instant::now();
        while shares.left.load(Ordering::Acquire) != 0 && start.elapsed() < SPIN {
            for _ in 0..32 {
                std::hint::spin_loop();
            }
        }
        if shares.left.load(Ordering::Acquire) != 0 {
            thread::park();
        }
    }
    let panic = shares.panic.lock().map_or(None, |mut p| p.take());
    if let Some(payload) = panic {
        std::panic::resume_unwind(payload);
    }
}

/// A helper's job: the shares of its call, then those of later calls for as long as they come
/// less than [`HOT`] apart.
fn help(shares: Arc<Shares>) {
    let _ = shares.run();
    drop(shares);
    // `seen` is read before this helper counts as watching, so that a call that counts it (and
    // so wakes no one) is published after `seen`: the loop below notices it.
    let mut seen = PUBLISHED.load(Ordering::SeqCst);
    WATCHING.fetch_add(1, Ordering::SeqCst);
    let mut since = Instant::now();
    while since.elapsed() < HOT {
        let now = PUBLISHED.load(Ordering::SeqCst);
        if now == seen {
            for _ in 0..32 {
                std::hint::spin_loop();
            }
            continue;
        }
        seen = now;
        let latest = LATEST.lock().ok().and_then(|l| l.clone());
        if let Some(shares) = latest {
            let _ran = shares.run();
            #[cfg(test)]
            if _ran {
                tests::WATCHED.fetch_add(1, Ordering::Relaxed);
            }
        }
        since = Instant::now();
    }
    WATCHING.fetch_sub(1, Ordering::SeqCst);
}

/// The shares of one [`for_each`] call, claimed one at a time by the caller and the helpers:
/// a share a helper has not started by the time the caller is free, the caller runs itself.
/// A helper's job that finds nothing left to claim ends without touching `work`.
struct Shares {
    /// The next share to claim (share 0 is the caller's).
    next: AtomicUsize,
    /// Shares not yet ended.
    left: AtomicUsize,
    ways: usize,
    /// The caller's `work`. Valid until `left` reaches 0: [`for_each`] returns only then.
    /// Shares are claimed only while some are unclaimed, hence before `left` can reach 0, and
    /// `work` is called only for a claimed share.
    work: *const (dyn Fn(usize) + Sync),
    caller: Thread,
    /// The first panic of a share.
    panic: Mutex<Option<Box<dyn std::any::Any + Send>>>,
}

// SAFETY: `work` points to a `Sync` closure (callable from any thread) and is used only as
// `Shares::work` says; every other field is `Send` and `Sync`.
unsafe impl Send for Shares {}
// SAFETY: as above.
unsafe impl Sync for Shares {}

impl Shares {
    /// Claims and runs shares until none is left to claim; whether it ran any.
    fn run(&self) -> bool {
        let mut ran = false;
        loop {
            let w = self.next.fetch_add(1, Ordering::AcqRel);
            if w >= self.ways {
                return ran;
            }
            self.run_one(w);
            ran = true;
        }
    }

    /// Runs claimed share `w`, keeps its panic if it panics, and counts it as ended; the last
    /// one wakes the caller, in case it has stopped spinning.
    fn run_one(&self, w: usize) {
        // SAFETY: share `w` is claimed and has not ended, so `work` is valid (`Shares::work`).
        let work = unsafe { &*self.work };
        if let Err(payload) = catch_unwind(AssertUnwindSafe(|| work(w))) {
            if let Ok(mut first) = self.panic.lock() {
                first.get_or_insert(payload);
            }
        }
        if self.left.fetch_sub(1, Ordering::AcqRel) == 1 {
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

    /// Shares run by a helper that was watching when their call came.
    pub(super) static WATCHED: AtomicUsize = AtomicUsize::new(0);

    #[test]
    fn a_helper_still_watching_takes_the_next_calls_share() {
        if cores() < 2 {
            println!("skipped: one core, so no helper thread");
            return;
        }
        // Calls in a row, the caller's share long enough for a helper to claim the other: from
        // the second call on, a helper still watching (unless other tests, which share the
        // helpers, keep it busy: hence many calls).
        let before = WATCHED.load(Ordering::Relaxed);
        let start = Instant::now();
        while WATCHED.load(Ordering::Relaxed) == before && start.elapsed() < Duration::from_secs(2)
        {
            for_each(2, |w| {
                if w == 0 {
                    let start = Instant::now();
                    while start.elapsed() < Duration::from_micros(20) {
                        std::hint::spin_loop();
                    }
                }
            });
        }
        assert!(
            WATCHED.load(Ordering::Relaxed) > before,
            "no call's share ran on a watching helper"
        );
    }

    /// With every helper stalled (another library's busy threads, a descheduled core), a call
    /// still ends: the caller runs the shares no helper started, so it never waits on them.
    #[test]
    fn a_stalled_helper_leaves_its_shares_to_the_caller() {
        use std::sync::atomic::AtomicBool;
        let pool = helpers();
        let n = pool.current_num_threads();
        let (started, release) = (
            Arc::new(AtomicUsize::new(0)),
            Arc::new(AtomicBool::new(false)),
        );
        for _ in 0..n {
            let (started, release) = (Arc::clone(&started), Arc::clone(&release));
            pool.spawn(move || {
                started.fetch_add(1, Ordering::SeqCst);
                while !release.load(Ordering::SeqCst) {
                    thread::sleep(Duration::from_micros(200));
                }
            });
        }
        let start = Instant::now();
        while started.load(Ordering::SeqCst) < n {
            assert!(
                start.elapsed() < Duration::from_secs(30),
                "the helpers never started"
            );
            thread::sleep(Duration::from_micros(100));
        }
        // Every helper is stalled now: each share runs on the caller, and the call returns.
        let me = thread::current().id();
        let ran = runs(4);
        let stalled = !release.load(Ordering::SeqCst);
        release.store(true, Ordering::SeqCst);
        assert!(stalled);
        assert!(
            ran.iter().all(|&t| t == me),
            "a share waited for a stalled helper"
        );
        // The helpers work again once released.
        assert_eq!(runs(3).len(), 3);
    }

    #[test]
    fn callers_on_several_threads_at_once_each_get_every_share() {
        // More callers than helpers: shares wait for a helper, or their own caller runs them.
        thread::scope(|s| {
            for c in 0..6 {
                s.spawn(move || {
                    for round in 0..50 {
                        let ways = 2 + (c + round) % 5;
                        let sum = AtomicUsize::new(0);
                        for_each(ways, |w| {
                            sum.fetch_add(w + 1, Ordering::Relaxed);
                        });
                        assert_eq!(sum.into_inner(), ways * (ways + 1) / 2);
                    }
                });
            }
        });
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
