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

/// Points of the quantile table (the table has one more).
const QUANTILE_POINTS: usize = 512;
/// Intervals of the cumulative distribution table on `[0, 1]`.
const CDF_POINTS: usize = 1024;

/// A PERT distribution over `[min, min + width]`, ready to sample.
#[derive(Clone, Debug)]
pub struct Pert {
    min: f64,
    width: f64,
    mean: f64,
    /// `Q(k / QUANTILE_POINTS)` on the unit interval; empty when the range is a single value.
    quantiles: Vec<f64>,
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
                quantiles: Vec::new(),
                cdf: Vec::new(),
            };
        }
        let mode = ((likely - min) / width).clamp(0.0, 1.0);
        let alpha = 1.0 + shape * mode;
        let beta = 1.0 + shape * (1.0 - mode);
        let cdf = unit_cdf(alpha, beta);
        let quantiles = invert(&cdf);
        Pert {
            min,
            width,
            mean,
            quantiles,
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
    #[inline]
    pub fn quantile(&self, u: f64) -> f64 {
        if self.quantiles.is_empty() {
            return self.min;
        }
        let t = u * QUANTILE_POINTS as f64;
        // `u` is below 1, so `t` is below the table's last index; the `min` guards rounding.
        let i = (t as usize).min(QUANTILE_POINTS - 1);
        let f = t - i as f64;
        let q = self.quantiles[i] + f * (self.quantiles[i + 1] - self.quantiles[i]);
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

/// The quantile table of a cumulative table: for each `u = k / QUANTILE_POINTS`, the `x` where
/// the (piecewise linear) cumulative reaches `u`.
fn invert(cdf: &[f64]) -> Vec<f64> {
    let h = 1.0 / (cdf.len() - 1) as f64;
    let mut quantiles = Vec::with_capacity(QUANTILE_POINTS + 1);
    let mut j = 0;
    for k in 0..=QUANTILE_POINTS {
        let u = k as f64 / QUANTILE_POINTS as f64;
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
    quantiles[0] = 0.0;
    quantiles[QUANTILE_POINTS] = 1.0;
    quantiles
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The mean of the tabulated distribution, exactly: the quantile function is piecewise
    /// linear, so its integral over `u` is the trapezoid sum.
    fn table_mean(p: &Pert) -> f64 {
        let n = QUANTILE_POINTS as f64;
        let sum: f64 = (0..QUANTILE_POINTS)
            .map(|k| (p.quantile(k as f64 / n) + p.quantile((k as f64 + 0.999_999_999) / n)) / 2.0)
            .sum();
        sum / n
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
            assert!(error < 2e-4, "{min}/{likely}/{max}: {error}");
        }
    }

    #[test]
    fn the_tabulated_variance_matches_the_beta_variance() {
        let (min, likely, max) = (0.0, 2.0, 10.0);
        let p = Pert::new(min, likely, max, 4.0);
        let (a, b) = (1.0 + 4.0 * 0.2, 1.0 + 4.0 * 0.8);
        let variance = a * b / ((a + b).powi(2) * (a + b + 1.0)) * 100.0;
        let n = 200_000;
        let mean = p.mean();
        let sampled = (0..n)
            .map(|k| (p.quantile((k as f64 + 0.5) / n as f64) - mean).powi(2))
            .sum::<f64>()
            / n as f64;
        assert!((sampled - variance).abs() / variance < 2e-3, "{sampled} vs {variance}");
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
