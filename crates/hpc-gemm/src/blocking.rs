//! Cache blocking: MC, KC and NC, derived from the cache sizes of the machine it runs on.
//!
//! The sizes follow the analytical model of BLIS (Low et al., "Analytical modeling is enough
//! for high-performance BLIS", 2016), simplified to one rule per cache level. All are counted in
//! the kernel's real elements; a complex GEMM (1m) uses half of MC and KC in complex elements.
//!
//! Cache sizes come from Linux's sysfs (`/sys/devices/system/cpu/cpu0/cache`); elsewhere, or if
//! it cannot be read, a conservative 32 KiB / 512 KiB / 8 MiB is assumed. `HPC_MC`, `HPC_KC`
//! and `HPC_NC` override the derived values (for tuning only; read once).

use std::sync::OnceLock;

/// Data cache sizes in bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Caches {
    /// L1 data cache, per core.
    pub l1: usize,
    /// L2, per core.
    pub l2: usize,
    /// L3 (last level), shared.
    pub l3: usize,
}

impl Caches {
    /// Used when detection fails.
    pub const DEFAULT: Caches = Caches {
        l1: 32 << 10,
        l2: 512 << 10,
        l3: 8 << 20,
    };

    /// The caches of this machine, detected once.
    pub fn detect() -> Caches {
        static CACHES: OnceLock<Caches> = OnceLock::new();
        *CACHES.get_or_init(|| read_sysfs().unwrap_or(Caches::DEFAULT))
    }
}

/// Parses sysfs cache sizes such as `48K`, `1024K`, `32M`.
pub fn parse_cache_size(s: &str) -> Option<usize> {
    let s = s.trim();
    let (digits, unit) = match s.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&s[..i], s[i..].trim()),
        None => (s, ""),
    };
    let n: usize = digits.parse().ok()?;
    let scale = match unit {
        "" => 1,
        "K" | "KiB" | "k" => 1 << 10,
        "M" | "MiB" => 1 << 20,
        "G" | "GiB" => 1 << 30,
        _ => return None,
    };
    n.checked_mul(scale).filter(|&b| b > 0)
}

fn read_sysfs() -> Option<Caches> {
    let mut found = Caches {
        l1: 0,
        l2: 0,
        l3: 0,
    };
    for index in 0..8 {
        let dir = format!("/sys/devices/system/cpu/cpu0/cache/index{index}");
        let read = |f: &str| std::fs::read_to_string(format!("{dir}/{f}")).ok();
        let (Some(level), Some(kind), Some(size)) = (read("level"), read("type"), read("size"))
        else {
            continue;
        };
        if kind.trim() == "Instruction" {
            continue;
        }
        let Some(bytes) = parse_cache_size(&size) else {
            continue;
        };
        match level.trim() {
            "1" => found.l1 = bytes,
            "2" => found.l2 = bytes,
            "3" => found.l3 = bytes,
            _ => {}
        }
    }
    if found.l1 == 0 || found.l2 == 0 {
        return None;
    }
    if found.l3 == 0 {
        found.l3 = found.l2;
    }
    Some(found)
}

/// The processor, where its best blocking was measured to differ from what the cache sizes
/// alone give (BLIS keeps a configuration per sub-architecture for the same reason).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cpu {
    /// AMD Zen 4: family 19h, models 10h-1Fh, 60h-7Fh or A0h-AFh.
    Zen4,
    /// Any other processor.
    Other,
}

impl Cpu {
    /// This machine's processor, detected once (through CPUID on x86-64), or the one
    /// `HPC_CPU=zen4|other` names (for tests, so that each processor's choices run on any
    /// machine; read once).
    pub fn detect() -> Cpu {
        static CPU: OnceLock<Cpu> = OnceLock::new();
        *CPU.get_or_init(|| {
            if let Some(cpu) = std::env::var("HPC_CPU").ok().and_then(|v| Cpu::parse(&v)) {
                return cpu;
            }
            #[cfg(target_arch = "x86_64")]
            {
                use core::arch::x86_64::__cpuid;
                let v = __cpuid(0);
                let mut vendor = [0u8; 12];
                for (d, r) in vendor.chunks_exact_mut(4).zip([v.ebx, v.edx, v.ecx]) {
                    d.copy_from_slice(&r.to_le_bytes());
                }
                if v.eax == 0 {
                    return Cpu::Other;
                }
                Cpu::from_signature(&vendor, __cpuid(1).eax)
            }
            #[cfg(not(target_arch = "x86_64"))]
            Cpu::Other
        })
    }

    /// The processor of a name as `HPC_CPU` takes it: `zen4` or `other` (any case).
    pub fn parse(s: &str) -> Option<Cpu> {
        match s.trim().to_ascii_lowercase().as_str() {
            "zen4" => Some(Cpu::Zen4),
            "other" => Some(Cpu::Other),
            _ => None,
        }
    }

    /// The processor named by CPUID's vendor string (leaf 0: EBX, EDX, ECX) and signature
    /// (leaf 1, EAX).
    pub fn from_signature(vendor: &[u8; 12], eax: u32) -> Cpu {
        let base_family = (eax >> 8) & 0xf;
        let family = if base_family == 0xf {
            base_family + ((eax >> 20) & 0xff)
        } else {
            base_family
        };
        let model = ((eax >> 4) & 0xf) | (((eax >> 16) & 0xf) << 4);
        match (vendor, family, model) {
            (b"AuthenticAMD", 0x19, 0x10..=0x1f | 0x60..=0x7f | 0xa0..=0xaf) => Cpu::Zen4,
            _ => Cpu::Other,
        }
    }

    /// Whether the kernel's wide register block runs every real product whose op(B) has
    /// contiguous columns but a narrow one, reading op(B) in place, and not only short, wide
    /// products (`plan::wide_applies`).
    pub fn wide_in_place(self) -> bool {
        self.tuning().wide_in_place
    }

    /// Whether the wide register block's last call on each group of B's columns prefetches the
    /// next group into L1 (`macro_kernel::loop2_wide`).
    pub fn wide_prefetches_next(self) -> bool {
        self.tuning().wide_prefetches_next
    }

    /// Where this processor's measured blocking departs from the cache sizes alone: the one
    /// table of per-processor choices ([`Blocking::derive`], [`Blocking::narrow`]).
    const fn tuning(self) -> Tuning {
        match self {
            Cpu::Zen4 => Tuning {
                a_quarters_of_l2: 3,
                panel_share_of_l3: 2,
                narrow_mc_div: 3,
                narrow_kc_div: 1,
                wide_in_place: true,
                wide_prefetches_next: true,
            },
            Cpu::Other => Tuning {
                a_quarters_of_l2: 2,
                panel_share_of_l3: 32,
                narrow_mc_div: 2,
                narrow_kc_div: 2,
                wide_in_place: false,
                wide_prefetches_next: false,
            },
        }
    }
}

/// A processor's blocking choices ([`Cpu::tuning`]).
struct Tuning {
    /// The quarters of L2 that the `MC x KC` block of A~ takes.
    a_quarters_of_l2: usize,
    /// The share of L3 that the `KC x NC` panel of B~ takes (at least L2's size).
    panel_share_of_l3: usize,
    /// What a narrow product divides MC by.
    narrow_mc_div: usize,
    /// What a narrow product divides KC by.
    narrow_kc_div: usize,
    /// [`Cpu::wide_in_place`].
    wide_in_place: bool,
    /// [`Cpu::wide_prefetches_next`].
    wide_prefetches_next: bool,
}

/// Block sizes of one GEMM, in the kernel's real elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Blocking {
    /// MC: rows of A packed at a time (LOOP 3, `ic`); the `MC x KC` block of A stays in L2.
    /// A KC slice shallower than KC takes proportionally more rows (`loops::mc_for_depth`).
    pub mc: usize,
    /// KC: the depth of one rank-KC update (LOOP 4, `pc`): each kernel call reads and writes
    /// its tile of C once per KC rank-1 updates, while the `MR x KC` and `KC x NR`
    /// micro-panels stream from L2 and L1. The driver evens out the slices of each product,
    /// each at most a sixteenth deeper than KC (`loops::even_depth`); on one thread it evens
    /// out the blocks of MC rows likewise.
    pub kc: usize,
    /// NC: columns of B packed at a time (LOOP 5, `jc`); the `KC x NC` panel of B is sized
    /// like L2 (see [`Blocking::derive`]) and lives in L2 and L3.
    pub nc: usize,
}

impl Blocking {
    /// Block sizes for an `mr x nr` kernel on `elem`-byte reals with caches `caches`.
    ///
    /// - KC: the `MC x KC` block of A takes half of L2 with MC = 8 MR (the `gemm` crate's
    ///   choice), which sets KC, rounded down to a multiple of 8 within `64..=MAX_KC`. Deeper than
    ///   BLIS's model (which keeps a `KC x NR` micro-panel of B in L1): each tile of C is read and
    ///   written half as often, and the L2 of the machines measured feeds the kernel fast enough.
    /// - MC: recomputed from KC for the processor's share of L2 ([`Cpu`]'s tuning: half, three
    ///   quarters on Zen 4), a multiple of MR.
    /// - NC: the `KC x NC` panel of B takes as many bytes as L2 or the processor's share of L3
    ///   (a 32nd, half on Zen 4), whichever is more, a multiple of NR within about 512..=4200.
    ///   A narrow panel packs op(A) once per NC columns; a wide one must survive in L3 while every
    ///   block of A passes; which wins depends on the L3.
    ///
    /// With 1 MiB of L2 that is KC = 512 and MC = 128 (f64) or 256 (f32); the unit tests pin the
    /// blocks of each machine measured. History: `docs/tuning.md`, "blocking.rs".
    pub fn derive(caches: Caches, cpu: Cpu, mr: usize, nr: usize, elem: usize) -> Blocking {
        let t = cpu.tuning();
        let kc = (caches.l2 / 2 / (8 * mr * elem)).clamp(64, crate::kernels::MAX_KC) / 8 * 8;
        let a_bytes = caches.l2 / 4 * t.a_quarters_of_l2;
        let mc = (a_bytes / (kc * elem) / mr).max(1) * mr;
        let panel = caches.l2.max(caches.l3 / t.panel_share_of_l3);
        let nc = (panel / (kc * elem)).clamp(512, 4200) / nr * nr;
        Blocking { mc, kc, nc }
    }

    /// The blocks of a narrow product (a few micro-panels of B over several blocks of A~,
    /// `plan::run`): A~ in a quarter of L2. Half MC and half KC (whole micro-panels of `mr`
    /// rows, KC at least 8 unless it was less); on Zen 4, whose MC fills three quarters of L2,
    /// a third of MC and all of KC. History: `docs/tuning.md`, "blocking.rs: Blocking::narrow".
    pub fn narrow(self, cpu: Cpu, mr: usize) -> Blocking {
        let t = cpu.tuning();
        Blocking {
            mc: (self.mc / t.narrow_mc_div).next_multiple_of(mr),
            kc: (self.kc / t.narrow_kc_div).max(8).min(self.kc),
            nc: self.nc,
        }
    }

    /// The blocking for a kernel on this machine, with the `HPC_MC`/`HPC_KC`/`HPC_NC` overrides
    /// (rounded to the register block and to even numbers, so complex halves stay whole).
    pub fn for_kernel(mr: usize, nr: usize, elem: usize) -> Blocking {
        let derived = Blocking::derive(Caches::detect(), Cpu::detect(), mr, nr, elem);
        let ov = overrides();
        let round = |v: usize, step: usize| v.div_ceil(step).max(1) * step;
        Blocking {
            mc: ov.0.map_or(derived.mc, |v| round(v, mr)),
            kc: ov.1.map_or(derived.kc, |v| round(v, 2)),
            nc: ov.2.map_or(derived.nc, |v| round(v, nr)),
        }
    }
}

fn overrides() -> (Option<usize>, Option<usize>, Option<usize>) {
    static OV: OnceLock<(Option<usize>, Option<usize>, Option<usize>)> = OnceLock::new();
    *OV.get_or_init(|| {
        let get = |name: &str| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
                .filter(|&v| v > 0)
        };
        (get("HPC_MC"), get("HPC_KC"), get("HPC_NC"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse() {
        assert_eq!(parse_cache_size("48K\n"), Some(48 << 10));
        assert_eq!(parse_cache_size("32M"), Some(32 << 20));
        assert_eq!(parse_cache_size("512"), Some(512));
        assert_eq!(parse_cache_size("K"), None);
        assert_eq!(parse_cache_size("12Q"), None);
    }

    #[test]
    fn the_measured_machines_get_the_measured_blocks() {
        let zen5 = Caches {
            l1: 48 << 10,
            l2: 1 << 20,
            l3: 32 << 20,
        };
        let xeon = Caches {
            l1: 48 << 10,
            l2: 2 << 20,
            l3: 480 << 20,
        };
        let b = |c, mr, elem| Blocking::derive(c, Cpu::Other, mr, 14, elem);
        assert_eq!(
            b(zen5, 16, 8),
            Blocking {
                mc: 128,
                kc: 512,
                nc: 504
            }
        );
        assert_eq!(
            b(zen5, 32, 4),
            Blocking {
                mc: 256,
                kc: 512,
                nc: 504
            }
        );
        assert_eq!(
            b(xeon, 16, 8),
            Blocking {
                mc: 256,
                kc: 512,
                nc: 3836
            }
        );
        assert_eq!(
            b(xeon, 32, 4),
            Blocking {
                mc: 512,
                kc: 512,
                nc: 4200
            }
        );
        let zen4 = Caches {
            l1: 32 << 10,
            ..zen5
        };
        let z4 = |mr, elem| Blocking::derive(zen4, Cpu::Zen4, mr, 14, elem);
        assert_eq!(
            z4(16, 8),
            Blocking {
                mc: 192,
                kc: 512,
                nc: 4088
            }
        );
        assert_eq!(
            z4(32, 4),
            Blocking {
                mc: 384,
                kc: 512,
                nc: 4200
            }
        );
    }

    #[test]
    fn narrow_products_take_smaller_blocks() {
        let b = Blocking {
            mc: 192,
            kc: 512,
            nc: 2044,
        };
        let zen4 = b.narrow(Cpu::Zen4, 16);
        assert_eq!((zen4.mc, zen4.kc, zen4.nc), (64, 512, 2044));
        let b = Blocking { mc: 128, ..b };
        let other = b.narrow(Cpu::Other, 16);
        assert_eq!((other.mc, other.kc, other.nc), (64, 256, 2044));
        // Whole micro-panels, and a KC that stays usable.
        let tiny = Blocking {
            mc: 24,
            kc: 10,
            nc: 140,
        }
        .narrow(Cpu::Other, 16);
        assert_eq!((tiny.mc, tiny.kc), (16, 8));
    }

    #[test]
    fn cpuid_signatures_name_the_processor() {
        let (amd, intel) = (b"AuthenticAMD", b"GenuineIntel");
        // EPYC 9004 (Genoa, family 19h model 11h), the Zen 4 build VM's signature.
        assert_eq!(Cpu::from_signature(amd, 0x00a1_0f11), Cpu::Zen4);
        // Ryzen 7000 (Raphael, 19h model 61h).
        assert_eq!(Cpu::from_signature(amd, 0x00a6_0f12), Cpu::Zen4);
        // Zen 3 (19h model 01h) and Zen 5 (1Ah model 02h).
        assert_eq!(Cpu::from_signature(amd, 0x00a0_0f11), Cpu::Other);
        assert_eq!(Cpu::from_signature(amd, 0x00b0_0f20), Cpu::Other);
        // Sapphire Rapids (family 6 model 8Fh), and an Intel part whose family bits read 19h.
        assert_eq!(Cpu::from_signature(intel, 0x0008_06f8), Cpu::Other);
        assert_eq!(Cpu::from_signature(intel, 0x00a1_0f11), Cpu::Other);
        // `HPC_CPU`'s names.
        assert_eq!(Cpu::parse("zen4"), Some(Cpu::Zen4));
        assert_eq!(Cpu::parse(" Zen4\n"), Some(Cpu::Zen4));
        assert_eq!(Cpu::parse("OTHER"), Some(Cpu::Other));
        assert_eq!(Cpu::parse("zen5"), None);
        assert!(Cpu::Zen4.wide_in_place() && !Cpu::Other.wide_in_place());
    }

    #[test]
    fn derived_blocks_fit_their_caches() {
        for caches in [
            Caches::DEFAULT,
            Caches::detect(),
            Caches {
                l1: 48 << 10,
                l2: 1 << 20,
                l3: 32 << 20,
            },
            Caches {
                l1: 1 << 10,
                l2: 2 << 10,
                l3: 4 << 10,
            },
        ] {
            for (mr, nr, elem, cpu) in [
                (16, 14, 8, Cpu::Other),
                (32, 14, 4, Cpu::Other),
                (8, 6, 8, Cpu::Other),
                (4, 4, 4, Cpu::Other),
                (16, 14, 8, Cpu::Zen4),
                (32, 14, 4, Cpu::Zen4),
            ] {
                let b = Blocking::derive(caches, cpu, mr, nr, elem);
                assert_eq!(b.mc % mr, 0, "{b:?}");
                assert_eq!(b.nc % nr, 0, "{b:?}");
                assert!(b.kc % 8 == 0 && (64..=512).contains(&b.kc), "{b:?}");
                assert!(b.mc >= mr && b.nc >= nr);
                if caches.l1 >= 32 << 10 {
                    let a_share = if cpu == Cpu::Zen4 { 3 } else { 2 };
                    assert!(
                        b.mc * b.kc * elem <= caches.l2 / 4 * a_share,
                        "{caches:?} {b:?}"
                    );
                    assert!(b.mc >= 8 * mr, "eight micro-panels of A per block: {b:?}");
                    assert!(
                        b.nc <= 512
                            || b.kc * b.nc * elem
                                <= caches.l2.max(caches.l3 / cpu.tuning().panel_share_of_l3),
                        "{caches:?} {b:?}"
                    );
                    assert!(b.nc > 500, "{caches:?} {b:?}");
                }
            }
        }
    }
}
