//! The exceptions of `hpc`, defined in Python (`hpc/_errors.py`, where multiple inheritance
//! makes `ShapeError` a `ValueError` and `DTypeError` a `TypeError`) and raised from here.

use pyo3::prelude::*;

/// Which of `hpc`'s exceptions.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Kind {
    /// Shapes that do not fit together, or the wrong number of dimensions (`ValueError`).
    Shape,
    /// Unsupported or mismatched dtypes (`TypeError`).
    DType,
    /// An output that is read-only, overlaps an input, or has unusable strides (`ValueError`).
    Layout,
    /// No usable GPU, or a CUDA call failed (`RuntimeError`).
    Cuda,
}

/// The exception `kind` with `msg`.
pub(crate) fn err(py: Python<'_>, kind: Kind, msg: impl Into<String>) -> PyErr {
    let name = match kind {
        Kind::Shape => "ShapeError",
        Kind::DType => "DTypeError",
        Kind::Layout => "LayoutError",
        Kind::Cuda => "CudaError",
    };
    let msg = msg.into();
    match py.import("hpc._errors").and_then(|m| m.getattr(name)) {
        Ok(cls) => PyErr::from_type(cls.cast_into().expect("an exception class"), msg),
        // Imported without the Python package around it (should not happen): the builtin
        // base class.
        Err(_) => match kind {
            Kind::DType => pyo3::exceptions::PyTypeError::new_err(msg),
            Kind::Cuda => pyo3::exceptions::PyRuntimeError::new_err(msg),
            _ => pyo3::exceptions::PyValueError::new_err(msg),
        },
    }
}
