//! The one error type of hpc.
//!
//! Every fallible call validates its arguments once, before it touches any data, and reports the
//! first problem it finds: which routine, which argument, and why, in words a user can act on
//! ("lda = 3 is smaller than m = 4"). Binding crates convert it at their edge (a Python exception,
//! a C status code, an `xerbla` report) without re-checking.

use core::fmt;

/// What kind of problem an [`Error`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// A dimension, stride, increment or leading dimension is invalid on its own.
    InvalidArgument,
    /// A buffer is too short for the view asked of it.
    BufferTooSmall,
    /// The shapes of two or more operands do not fit together.
    DimensionMismatch,
    /// An option that the routine does not accept (for example `ConjTrans` for complex `syrk`).
    UnsupportedOption,
}

/// An invalid argument, with the routine and argument it concerns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    routine: &'static str,
    argument: &'static str,
    message: String,
}

impl Error {
    /// A new error about `argument` of `routine`.
    pub fn new(
        kind: ErrorKind,
        routine: &'static str,
        argument: &'static str,
        message: impl Into<String>,
    ) -> Error {
        Error {
            kind,
            routine,
            argument,
            message: message.into(),
        }
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The routine that rejected its arguments (`"gemm"`, `"MatRef::from_col_major"`, ...).
    pub fn routine(&self) -> &'static str {
        self.routine
    }

    /// The name of the first argument found wrong (`"lda"`, `"incx"`, `"b"`, ...).
    pub fn argument(&self) -> &'static str {
        self.argument
    }

    /// The explanation, without the routine and argument prefix.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Re-labels the error with the routine a user called, keeping the argument and message.
    pub fn in_routine(mut self, routine: &'static str) -> Error {
        self.routine = routine;
        self
    }

    /// Re-labels the argument (a view constructor knows its data as `data`; the routine that
    /// built it for a user knows it as `a`).
    pub fn for_argument(mut self, argument: &'static str) -> Error {
        self.argument = argument;
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: invalid argument `{}`: {}",
            self.routine, self.argument, self.message
        )
    }
}

impl std::error::Error for Error {}

/// The result type of hpc's fallible calls.
pub type Result<T, E = Error> = core::result::Result<T, E>;

/// Shorthand for a [`ErrorKind::DimensionMismatch`] error.
pub(crate) fn mismatch(
    routine: &'static str,
    argument: &'static str,
    message: impl Into<String>,
) -> Error {
    Error::new(ErrorKind::DimensionMismatch, routine, argument, message)
}

/// Shorthand for an [`ErrorKind::InvalidArgument`] error.
pub(crate) fn invalid(
    routine: &'static str,
    argument: &'static str,
    message: impl Into<String>,
) -> Error {
    Error::new(ErrorKind::InvalidArgument, routine, argument, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_routine_argument_and_reason() {
        let e = invalid("gemv", "lda", "lda = 3 is smaller than m = 4");
        assert_eq!(
            e.to_string(),
            "gemv: invalid argument `lda`: lda = 3 is smaller than m = 4"
        );
        assert_eq!(e.kind(), ErrorKind::InvalidArgument);
        let e = e.in_routine("dgemv").for_argument("a");
        assert_eq!((e.routine(), e.argument()), ("dgemv", "a"));
    }
}
