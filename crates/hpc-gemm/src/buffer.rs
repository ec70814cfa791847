//! Reused packing buffers: one for packed A and one for packed B per thread.
//!
//! The hot path allocates nothing once a thread has packed a block of the largest size it
//! will see: the buffers live in thread-locals and only grow. A thread that is already using
//! its buffer (rayon can run a second GEMM's task on a thread that waits inside a first one)
//! gets a fresh allocation instead, so nesting is always correct.
//!
//! Plain pages: buffers backed by 2 MiB pages measured even (`docs/tuning.md`, "buffer.rs").

use std::cell::RefCell;

/// A 64-byte aligned chunk of memory: buffers are vectors of these, so panels start on a cache
/// line (and on a zmm boundary).
#[repr(C, align(64))]
#[derive(Clone, Copy, bytemuck::Zeroable, bytemuck::Pod)]
struct Line([u8; 64]);

thread_local! {
    static PACK_A: RefCell<Vec<Line>> = const { RefCell::new(Vec::new()) };
    static PACK_B: RefCell<Vec<Line>> = const { RefCell::new(Vec::new()) };
}

/// Which buffer of the thread.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Slot {
    /// The packed block of A (private to each thread).
    A,
    /// The packed panel of B (shared by the threads of one call).
    B,
}

/// Runs `f` on a buffer of `len` elements of `R` (contents unspecified: callers write before
/// they read).
pub(crate) fn with_buffer<R: bytemuck::Pod, O>(
    slot: Slot,
    len: usize,
    f: impl FnOnce(&mut [R]) -> O,
) -> O {
    let key = match slot {
        Slot::A => &PACK_A,
        Slot::B => &PACK_B,
    };
    key.with(|cell| match cell.try_borrow_mut() {
        Ok(mut v) => f(view(&mut v, len)),
        Err(_) => f(view(&mut Vec::new(), len)),
    })
}

/// The first `len` elements of `R` in `v`, grown as needed.
fn view<R: bytemuck::Pod>(v: &mut Vec<Line>, len: usize) -> &mut [R] {
    let lines = (len * size_of::<R>()).div_ceil(64);
    if v.len() < lines {
        v.resize(lines, Line([0; 64]));
    }
    let all: &mut [R] = bytemuck::cast_slice_mut(&mut v[..lines]);
    &mut all[..len]
}
