//! Whether a user name exists cannot be learnt from how long a failed login takes. Alone in its
//! own test binary, so the other tests' password hashing does not queue in front of its samples.

use std::time::{Duration, Instant};

use smm_server::app::session::sign_in;
use smm_store::Role;

use crate::common::{App, Backend};

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(f64::total_cmp);
    samples[samples.len() / 2]
}

/// Samples come in pairs, one of each case back to back in alternating order, so a burst of
/// load on a shared machine hits both alike; the median of the pairs' ratios is compared, which
/// a few disturbed pairs do not move. Before the fix an unknown name cost a hash and a check,
/// about twice a wrong password (the median ratio was 1.9).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_name_takes_as_long_as_a_wrong_password() {
    const SAMPLES: usize = 30;
    let app = App::start(Backend::Sqlite).await.expect("app");
    // One known user per sample, and one address per attempt: the throttle stays out of it.
    for i in 0..=SAMPLES {
        app.user(&format!("known-{i}"), "acme", Role::Viewer).await;
    }
    let attempt = |name: String, address: String| {
        let state = app.state.clone();
        async move {
            let started = Instant::now();
            let refused = sign_in(&state, &name, "not the right password", &address)
                .await
                .expect_err("a wrong login");
            let took = started.elapsed();
            assert_eq!(refused.status, 401, "{}", refused.detail);
            took
        }
    };
    // Warm up both paths (the stand-in hash for unknown names is made on first use).
    attempt("nobody-warm".into(), "192.0.2.255".into()).await;
    attempt(format!("known-{SAMPLES}"), "198.51.100.255".into()).await;
    let (mut unknown, mut wrong, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..SAMPLES {
        let unknown_attempt = attempt(format!("nobody-{i}"), format!("192.0.2.{i}"));
        let wrong_attempt = attempt(format!("known-{i}"), format!("198.51.100.{i}"));
        let (u, w): (Duration, Duration) = if i % 2 == 0 {
            let u = unknown_attempt.await;
            (u, wrong_attempt.await)
        } else {
            let w = wrong_attempt.await;
            (unknown_attempt.await, w)
        };
        unknown.push(u.as_secs_f64());
        wrong.push(w.as_secs_f64());
        ratios.push(u.as_secs_f64() / w.as_secs_f64());
    }
    let (unknown, wrong, ratio) = (median(unknown), median(wrong), median(ratios));
    eprintln!(
        "medians: unknown name {:.1} ms, wrong password {:.1} ms, pair ratio {ratio:.3}",
        unknown * 1e3,
        wrong * 1e3
    );
    assert!(
        (1.0 / 1.2..=1.2).contains(&ratio),
        "an unknown name took {:.1} ms, a wrong password {:.1} ms (medians); the median ratio \
         of the pairs is {ratio:.2}",
        unknown * 1e3,
        wrong * 1e3
    );
}
