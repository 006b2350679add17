//! The PERT distribution of a calibrated estimate, sampled through its quantile function.
//!
//! A PERT is a Beta distribution stretched over `[min, max]` whose mode is `likely`; with shape
//! `g` (from the confidence), `alpha = 1 + g (likely - min) / (max - min)` and
//! `beta = 1 + g (max - likely) / (max - min)`. We tabulate its quantile function once and
//! sample by inversion, `x = Q(u)`, rather than with a rejection sampler, for two reasons the
//! simulation depends on: a draw costs a couple of loads and a multiply, and the same `u` always
//! gives the same quantile, so two profiles simulated with the same random numbers differ only by
//! what the profiles change (common random numbers), and a smaller factor is never sampled
//! larger.

/// Bits of a uniform draw: a draw is an integer below `2^53`, the probability `bits / 2^53`
/// (exactly how `rand` turns a 64-bit number into an `f64` in `[0, 1)`).
pub const UNIFORM_BITS: u32 = 53;
/// Bits that pick the interval of the quantile table.
const QUANTILE_BITS: u32 = 9;
/// Bits that pick the interval of a tail table.
const TAIL_BITS: u32 = 6;
/// Points of the quantile table (the table has one more).
const QUANTILE_POINTS: usize = 1 << QUANTILE_BITS;
/// Points of each tail table, which subdivide the first and the last interval of the quantile
/// table: the quantile function is steepest there, and a straight line across the whole
/// interval would put too much weight on the extremes.
const TAIL_POINTS: usize = 1 << TAIL_BITS;
/// Intervals of the cumulative distribution table on `[0, 1]`.
const CDF_POINTS: usize = 1024;

/// A PERT distribution over `[min, min + width]`, ready to sample.
#[derive(Clone, Debug)]
pub struct Pert {
    min: f64,
    width: f64,
    mean: f64,
    /// `Q(k / QUANTILE_POINTS)` on the unit interval (all 0 when the range is a single value).
    /// Fixed sizes let the index arithmetic prove itself in bounds.
    quantiles: Box<[f64; QUANTILE_POINTS + 1]>,
    /// `Q(k / (QUANTILE_POINTS x TAIL_POINTS))`: the first interval, finer.
    lower_tail: Box<[f64; TAIL_POINTS + 1]>,
    /// `Q(1 - (TAIL_POINTS - k) / (QUANTILE_POINTS x TAIL_POINTS))`: the last interval, finer.
    upper_tail: Box<[f64; TAIL_POINTS + 1]>,
    /// `F(j / CDF_POINTS)` on the unit interval; empty when the range is a single value.
    cdf: Vec<f64>,
}

impl Pert {
    /// The distribution of `min`, `likely`, `max` with shape `shape` (4 is classic PERT).
    ///
    /// Callers pass checked values (`min <= likely <= max`, all finite).
    pub fn new(min: f64, likely: f64, max: f64, shape: f64) -> Pert {
        let width = max - min;
        let mean = (min + shape * likely + max) / (shape + 2.0);
        if width <= 0.0 {
            return Pert {
                min,
                width: 0.0,
                mean: min,
                quantiles: Box::new([0.0; QUANTILE_POINTS + 1]),
                lower_tail: Box::new([0.0; TAIL_POINTS + 1]),
                upper_tail: Box::new([0.0; TAIL_POINTS + 1]),
                cdf: Vec::new(),
            };
        }
        let mode = ((likely - min) / width).clamp(0.0, 1.0);
        let alpha = 1.0 + shape * mode;
        let beta = 1.0 + shape * (1.0 - mode);
        let cdf = unit_cdf(alpha, beta);
        let m = QUANTILE_POINTS as f64;
        let fine = (QUANTILE_POINTS * TAIL_POINTS) as f64;
        let quantiles = invert(&cdf, (0..=QUANTILE_POINTS).map(|k| k as f64 / m));
        let lower_tail = invert(&cdf, (0..=TAIL_POINTS).map(|k| k as f64 / fine));
        let upper_tail = invert(
            &cdf,
            (0..=TAIL_POINTS).map(|k| 1.0 - (TAIL_POINTS - k) as f64 / fine),
        );
        Pert {
            min,
            width,
            mean,
            quantiles: fixed(quantiles),
            lower_tail: fixed(lower_tail),
            upper_tail: fixed(upper_tail),
            cdf,
        }
    }

    /// The distribution of a checked estimate.
    pub fn of(estimate: &super::Estimate) -> Pert {
        Pert::new(
            estimate.min.value,
            estimate.likely.value,
            estimate.max.value,
            estimate.confidence.shape(),
        )
    }

    /// The closed-form mean, `(min + shape x likely + max) / (shape + 2)`.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The value at probability `u` in `[0, 1)`: `P(X <= quantile(u)) = u`.
    pub fn quantile(&self, u: f64) -> f64 {
        let scale = (1u64 << UNIFORM_BITS) as f64;
        let bits = (u.clamp(0.0, 1.0) * scale) as u64;
        self.sample(bits.min((1 << UNIFORM_BITS) - 1))
    }

    /// The value at probability `bits / 2^53`, for `bits` below `2^53`: the simulation's form
    /// of [`Pert::quantile`], on the integer the random generator gives, so that picking the
    /// table interval is a shift and a mask rather than a float conversion.
    #[inline]
    pub fn sample(&self, bits: u64) -> f64 {
        const INNER: u32 = UNIFORM_BITS - QUANTILE_BITS;
        const TAIL: u32 = INNER - TAIL_BITS;
        let i = (bits >> INNER) as usize & (QUANTILE_POINTS - 1);
        let rest = bits & ((1 << INNER) - 1);
        let q = if i == 0 || i == QUANTILE_POINTS - 1 {
            let table = if i == 0 {
                &self.lower_tail
            } else {
                &self.upper_tail
            };
            let j = (rest >> TAIL) as usize & (TAIL_POINTS - 1);
            let f = (rest & ((1 << TAIL) - 1)) as f64 / (1u64 << TAIL) as f64;
            table[j] + f * (table[j + 1] - table[j])
        } else {
            let f = rest as f64 / (1u64 << INNER) as f64;
            self.quantiles[i] + f * (self.quantiles[i + 1] - self.quantiles[i])
        };
        self.min + q * self.width
    }

    /// `P(X <= x)`.
    #[inline]
    pub fn cdf(&self, x: f64) -> f64 {
        if self.cdf.is_empty() {
            return if x >= self.min { 1.0 } else { 0.0 };
        }
        let t = ((x - self.min) / self.width).clamp(0.0, 1.0) * CDF_POINTS as f64;
        let j = (t as usize).min(CDF_POINTS - 1);
        let f = t - j as f64;
        self.cdf[j] + f * (self.cdf[j + 1] - self.cdf[j])
    }
}

/// A table of the expected length as a fixed-size array (`invert` returns one value per
/// probability asked for, so the lengths match).
fn fixed<const N: usize>(values: Vec<f64>) -> Box<[f64; N]> {
    let mut table = Box::new([0.0; N]);
    for (slot, value) in table.iter_mut().zip(values) {
        *slot = value;
    }
    table
}

/// The Beta(`alpha`, `beta`) cumulative distribution on a regular grid of `[0, 1]`, integrated
/// interval by interval with Simpson's rule and normalized so it ends at exactly 1.
fn unit_cdf(alpha: f64, beta: f64) -> Vec<f64> {
    let density = |x: f64| x.powf(alpha - 1.0) * (1.0 - x).powf(beta - 1.0);
    let h = 1.0 / CDF_POINTS as f64;
    let mut cdf = Vec::with_capacity(CDF_POINTS + 1);
    cdf.push(0.0);
    let mut total = 0.0;
    let mut left = density(0.0);
    for j in 0..CDF_POINTS {
        let x = j as f64 * h;
        let right = density(x + h);
        total += h / 6.0 * (left + 4.0 * density(x + h / 2.0) + right);
        cdf.push(total);
        left = right;
    }
    for c in &mut cdf {
        *c /= total;
    }
    cdf
}

/// A quantile table from a cumulative table: for each of the rising probabilities `us`, the `x`
/// where the (piecewise linear) cumulative reaches it; 0 and 1 map to the ends exactly.
fn invert(cdf: &[f64], us: impl Iterator<Item = f64>) -> Vec<f64> {
    let h = 1.0 / (cdf.len() - 1) as f64;
    let mut quantiles = Vec::new();
    let mut j = 0;
    for u in us {
        if u <= 0.0 {
            quantiles.push(0.0);
            continue;
        }
        if u >= 1.0 {
            quantiles.push(1.0);
            continue;
        }
        while j + 1 < cdf.len() - 1 && cdf[j + 1] < u {
            j += 1;
        }
        let (lo, hi) = (cdf[j], cdf[j + 1]);
        let f = if hi > lo {
            ((u - lo) / (hi - lo)).clamp(0.0, 1.0)
        } else {
            0.0
        };
        quantiles.push((j as f64 + f) * h);
    }
    quantiles
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mean of the tabulated distribution: the midpoint rule on a grid much finer than the
    /// tables, so what is measured is the tables' error, not the integration's.
    fn table_mean(p: &Pert) -> f64 {
        let n = 1 << 22;
        (0..n)
            .map(|k| p.quantile((k as f64 + 0.5) / n as f64))
            .sum::<f64>()
            / n as f64
    }

    #[test]
    fn the_tabulated_mean_matches_the_closed_form() {
        for (min, likely, max, shape) in [
            (0.0, 3.0, 12.0, 4.0),
            (10.0, 10.0, 50.0, 4.0),
            (0.0, 1.0, 1.0, 4.0),
            (0.1, 0.2, 0.9, 2.0),
            (1000.0, 40_000.0, 250_000.0, 6.0),
        ] {
            let p = Pert::new(min, likely, max, shape);
            let closed = (min + shape * likely + max) / (shape + 2.0);
            let error = (table_mean(&p) - closed).abs() / (max - min);
            assert!(error < 5e-5, "{min}/{likely}/{max}: {error}");
        }
    }

    #[test]
    fn the_tabulated_variance_matches_the_beta_variance() {
        let (min, likely, max) = (0.0, 2.0, 10.0);
        let p = Pert::new(min, likely, max, 4.0);
        let (a, b): (f64, f64) = (1.0 + 4.0 * 0.2, 1.0 + 4.0 * 0.8);
        let variance = a * b / ((a + b).powi(2) * (a + b + 1.0)) * 100.0;
        let n = 1 << 22;
        let mean = p.mean();
        let sampled = (0..n)
            .map(|k| (p.quantile((k as f64 + 0.5) / n as f64) - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        assert!(
            (sampled - variance).abs() / variance < 1e-3,
            "{sampled} vs {variance}"
        );
    }

    #[test]
    fn quantiles_and_the_cumulative_agree_and_rise() {
        let p = Pert::new(10.0, 30.0, 90.0, 4.0);
        let mut last = f64::MIN;
        for k in 0..1000 {
            let u = k as f64 / 1000.0;
            let x = p.quantile(u);
            assert!(x >= last && (10.0..=90.0).contains(&x));
            assert!((p.cdf(x) - u).abs() < 2e-3, "{u}: {}", p.cdf(x));
            last = x;
        }
        assert_eq!(p.cdf(5.0), 0.0);
        assert_eq!(p.cdf(95.0), 1.0);
    }

    #[test]
    fn a_single_value_is_always_drawn() {
        let p = Pert::new(7.0, 7.0, 7.0, 4.0);
        assert_eq!(p.quantile(0.0), 7.0);
        assert_eq!(p.quantile(0.999), 7.0);
        assert_eq!(p.mean(), 7.0);
        assert_eq!(p.cdf(6.9), 0.0);
        assert_eq!(p.cdf(7.0), 1.0);
    }
}
