"""The exceptions hpc raises: all derive from HpcError, and each also from the builtin
exception NumPy users expect (ValueError for shapes and layouts, TypeError for dtypes)."""


class HpcError(Exception):
    """Base class of every error hpc raises on bad input."""


class ShapeError(HpcError, ValueError):
    """Operands have the wrong number of dimensions or shapes that do not fit together."""


class DTypeError(HpcError, TypeError):
    """An operand's dtype is not float32, float64, complex64 or complex128, or dtypes differ."""


class LayoutError(HpcError, ValueError):
    """An output is read-only, overlaps an input, or repeats elements; or strides are unusable."""


class CudaError(HpcError, RuntimeError):
    """No usable GPU (the CUDA libraries or a device are missing), or a CUDA call failed."""
