//! How many loss events a simulated year has: a Poisson count with the year's loss event
//! frequency as its mean, drawn by inversion from one uniform number.
//!
//! Inversion (walk the cumulative distribution until it passes `u`) gives, for the same `u`, a
//! count that never falls as the frequency rises, which is what lets two profiles be compared
//! year by year. Above [`EXACT_LIMIT`] events a year the walk would be long and `exp(-lambda)`
//! would underflow, so the normal approximation with continuity correction takes over; it is
//! monotone too, and at such frequencies its error is far below the estimates' own.

/// The largest mean counted exactly.
pub const EXACT_LIMIT: f64 = 500.0;

/// The Poisson(`lambda`) count whose cumulative probability first reaches `u` (in `[0, 1)`).
#[inline]
pub fn count(lambda: f64, u: f64) -> u32 {
    // `1 - lambda <= exp(-lambda) = P(0)`: most years of a rare event end here without `exp`.
    if lambda <= 0.0 || u < 1.0 - lambda {
        return 0;
    }
    if lambda > EXACT_LIMIT {
        let k = lambda + lambda.sqrt() * inverse_normal(u) + 0.5;
        return k.max(0.0).min(f64::from(u32::MAX)) as u32;
    }
    let mut k = 0u32;
    let mut p = (-lambda).exp();
    let mut cumulative = p;
    // The cap ends the walk where rounding leaves the cumulative a hair under 1.
    let cap = (lambda + 40.0 * lambda.sqrt() + 40.0) as u32;
    while u >= cumulative && k < cap {
        k += 1;
        p *= lambda / f64::from(k);
        cumulative += p;
    }
    k
}

/// The standard normal quantile, by Acklam's rational approximation (relative error below
/// 1.2e-9, ample for counting events).
pub fn inverse_normal(u: f64) -> f64 {
    const A: [f64; 6] = [
        -3.969_683_028_665_376e1,
        2.209_460_984_245_205e2,
        -2.759_285_104_469_687e2,
        1.383_577_518_672_69e2,
        -3.066_479_806_614_716e1,
        2.506_628_277_459_239,
    ];
    const B: [f64; 5] = [
        -5.447_609_879_822_406e1,
        1.615_858_368_580_409e2,
        -1.556_989_798_598_866e2,
        6.680_131_188_771_972e1,
        -1.328_068_155_288_572e1,
    ];
    const C: [f64; 6] = [
        -7.784_894_002_430_293e-3,
        -3.223_964_580_411_365e-1,
        -2.400_758_277_161_838,
        -2.549_732_539_343_734,
        4.374_664_141_464_968,
        2.938_163_982_698_783,
    ];
    const D: [f64; 4] = [
        7.784_695_709_041_462e-3,
        3.224_671_290_700_398e-1,
        2.445_134_137_142_996,
        3.754_408_661_907_416,
    ];
    const LOW: f64 = 0.024_25;
    let u = u.clamp(1e-300, 1.0 - 1e-16);
    let tail = |q: f64| {
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5])
            / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    };
    if u < LOW {
        tail((-2.0 * u.ln()).sqrt())
    } else if u > 1.0 - LOW {
        -tail((-2.0 * (1.0 - u).ln()).sqrt())
    } else {
        let q = u - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q
            / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_counts_follow_the_poisson_probabilities() {
        // P(0) = e^-2 = 0.1353, P(<=1) = 3 e^-2 = 0.4060, P(<=2) = 5 e^-2 = 0.6767.
        assert_eq!(count(2.0, 0.10), 0);
        assert_eq!(count(2.0, 0.20), 1);
        assert_eq!(count(2.0, 0.50), 2);
        assert_eq!(count(2.0, 0.70), 3);
        assert_eq!(count(0.0, 0.99), 0);
    }

    #[test]
    fn the_mean_count_is_the_frequency() {
        for lambda in [0.05, 0.8, 3.0, 40.0, 900.0] {
            let n = 100_000;
            let total: f64 = (0..n)
                .map(|k| f64::from(count(lambda, (k as f64 + 0.5) / n as f64)))
                .sum();
            let mean = total / n as f64;
            assert!((mean - lambda).abs() / lambda < 2e-3, "{lambda}: {mean}");
        }
    }

    #[test]
    fn a_higher_frequency_never_gives_fewer_events() {
        for k in 0..200 {
            let u = k as f64 / 200.0;
            let mut last = 0;
            for step in 0..300 {
                let c = count(f64::from(step) * 0.1, u);
                assert!(c >= last, "u {u}, lambda {}", f64::from(step) * 0.1);
                last = c;
            }
        }
    }

    #[test]
    fn the_normal_quantile_is_accurate() {
        assert!((inverse_normal(0.975) - 1.959_963_985).abs() < 1e-8);
        assert!((inverse_normal(0.5)).abs() < 1e-12);
        assert!((inverse_normal(0.001) + 3.090_232_306).abs() < 1e-8);
    }
}
