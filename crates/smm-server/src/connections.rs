//! Serving connections within bounds: how many at once, and how long a client may take over a
//! request's head, over its body, and between requests.
//!
//! Without bounds, every connection a client opens and leaves idle, or feeds one byte at a time,
//! holds a file descriptor for ever; a few thousand of them and the server can no longer accept
//! anyone, not even its own health check. Each connection here runs under a watchdog that knows
//! which phase it is in and closes it when that phase's time is up; connections beyond the cap
//! are accepted and closed at once, so they do not wait in the kernel's backlog either.

use std::convert::Infallible;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::connect_info::ConnectInfo;
use axum::http::{Request, Response};
use axum::Router;
use hyper::body::{Body as _, Frame, Incoming, SizeHint};
use hyper::server::conn::http1;
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{watch, Notify, OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tower::ServiceExt;

/// How many connections the server serves at once and how long each may take (see
/// docs/server.md, "Connections").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    /// Connections served at once; a connection beyond them is closed as soon as it is accepted.
    pub max_connections: usize,
    /// From a connection's opening, or the first byte of a request, to the end of that request's
    /// head: a client that sends its headers a byte at a time is cut off here.
    pub header_timeout: Duration,
    /// From the end of a request's head to the end of its body, however steadily it arrives.
    pub body_timeout: Duration,
    /// How long a kept-alive connection may wait, after an answer, for its next request.
    pub idle_timeout: Duration,
}

/// The limits a server has unless told otherwise: enough for a team and its CI, and under the
/// common soft limit of 1024 open files, with room for the database and the logs.
pub const DEFAULT_LIMITS: ConnectionLimits = ConnectionLimits {
    max_connections: 512,
    header_timeout: Duration::from_secs(10),
    body_timeout: Duration::from_secs(60),
    idle_timeout: Duration::from_secs(30),
};

impl Default for ConnectionLimits {
    fn default() -> Self {
        DEFAULT_LIMITS
    }
}

/// Serves `app` on `listener` within `limits` until `stop` turns true; then stops accepting,
/// lets every connection finish the request it is answering, and returns when all are closed.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: ConnectionLimits,
    stop: watch::Receiver<bool>,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let mut connections = JoinSet::new();
    let mut stopping = stop.clone();
    // When the cap was last reported: once a minute is enough to tell the operator.
    let mut reported: Option<Instant> = None;
    loop {
        tokio::select! {
            () = stopped(&mut stopping) => break,
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => match slots.clone().try_acquire_owned() {
                    Ok(slot) => {
                        connections.spawn(connection(
                            stream,
                            peer,
                            app.clone(),
                            limits,
                            stop.clone(),
                            slot,
                        ));
                    }
                    // Closed now rather than left unaccepted: a connection in the backlog
                    // still costs the kernel, and its client would only wait.
                    Err(_) => {
                        drop(stream);
                        if reported.is_none_or(|at| at.elapsed() >= Duration::from_secs(60)) {
                            reported = Some(Instant::now());
                            tracing::warn!(
                                %peer,
                                max_connections = limits.max_connections,
                                "connections over the cap are being closed (reported once a minute)"
                            );
                        }
                    }
                },
                Err(e) if is_per_connection(&e) => {}
                // Out of file descriptors, most likely: wait for some to be freed rather than
                // spin on the error.
                Err(e) => {
                    tracing::warn!(error = %e, "cannot accept connections");
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
            },
        }
    }
    drop(listener);
    while connections.join_next().await.is_some() {}
}

/// Completes once the stop is asked for (or can no longer be: the server is gone).
async fn stopped(stop: &mut watch::Receiver<bool>) {
    let _ = stop.wait_for(|stop| *stop).await;
}

/// Errors that concern only the connection being accepted, not the listener.
fn is_per_connection(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    )
}

/// One connection, under its watchdog, holding its `slot` until it closes.
async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    app: Router,
    limits: ConnectionLimits,
    mut stop: watch::Receiver<bool>,
    slot: OwnedSemaphorePermit,
) {
    let _slot = slot;
    let _ = stream.set_nodelay(true);
    let phase = Arc::new(PhaseClock::default());
    let io = TokioIo::new(Watched {
        stream,
        phase: phase.clone(),
    });
    let service = {
        let phase = phase.clone();
        hyper::service::service_fn(move |request: Request<Incoming>| {
            answer(request, peer, app.clone(), phase.clone(), limits)
        })
    };
    let mut builder = http1::Builder::new();
    // The watchdog below times the head; hyper's own timer would also cut idle connections at
    // the header timeout.
    builder.header_read_timeout(None);
    let served = builder.serve_connection(io, service);
    let mut served = std::pin::pin!(served);
    let mut stopping = false;
    loop {
        let deadline = phase.deadline(&limits);
        tokio::select! {
            ended = served.as_mut() => {
                if let Err(e) = ended {
                    tracing::debug!(%peer, error = %e, "connection ended on an error");
                }
                return;
            }
            () = stopped(&mut stop), if !stopping => {
                stopping = true;
                served.as_mut().graceful_shutdown();
            }
            () = phase.changed.notified() => {}
            () = tokio::time::sleep_until(deadline) => {
                if let Some(reason) = phase.expired(&limits, Instant::now()) {
                    tracing::debug!(%peer, reason, "closed a connection");
                    return;
                }
            }
        }
    }
}

/// Hands one request to the application, with the client's address as axum's `ConnectInfo`,
/// and tells the watchdog when the body is in and when the answer is ready.
async fn answer(
    request: Request<Incoming>,
    peer: SocketAddr,
    app: Router,
    phase: Arc<PhaseClock>,
    limits: ConnectionLimits,
) -> Result<Response<Body>, Infallible> {
    let (mut parts, body) = request.into_parts();
    phase.request_started(limits.body_timeout, body.is_end_stream());
    parts.extensions.insert(ConnectInfo(peer));
    let body = Body::new(WatchedBody {
        inner: body,
        phase: phase.clone(),
    });
    let response = app.oneshot(Request::from_parts(parts, body)).await;
    phase.answered();
    response
}

/// Where a connection is in its life, and so which of the limits applies.
#[derive(Clone, Copy, Debug)]
enum Phase {
    /// Nothing of a request received yet: `first` on a new connection (the header timeout
    /// applies), otherwise between requests (the idle timeout).
    Waiting { since: Instant, first: bool },
    /// Part of a request's head received.
    Head { since: Instant },
    /// A request is being answered; its body must be in by `body_by`, unless it already is.
    Answering { body_by: Option<Instant> },
}

/// A connection's phase, moved on by its reads, its requests and its answers, and the watchdog's
/// wake-up call when a move may bring its deadline nearer.
struct PhaseClock {
    phase: Mutex<Phase>,
    changed: Notify,
}

impl Default for PhaseClock {
    fn default() -> Self {
        PhaseClock {
            phase: Mutex::new(Phase::Waiting {
                since: Instant::now(),
                first: true,
            }),
            changed: Notify::new(),
        }
    }
}

impl PhaseClock {
    fn update(&self, change: impl FnOnce(&mut Phase) -> bool) {
        let nearer = {
            let mut phase = self.phase.lock().unwrap_or_else(|e| e.into_inner());
            change(&mut phase)
        };
        if nearer {
            self.changed.notify_one();
        }
    }

    /// Bytes arrived: the first of a request starts the header timeout, except on a new
    /// connection, whose time started when it was accepted (waiting before the first byte buys
    /// a slow client nothing).
    fn read(&self) {
        self.update(|phase| match *phase {
            Phase::Waiting { since, first } => {
                *phase = Phase::Head {
                    since: if first { since } else { Instant::now() },
                };
                true
            }
            _ => false,
        });
    }

    /// Bytes left: an answer still being sent is not idleness.
    fn wrote(&self) {
        self.update(|phase| {
            if let Phase::Waiting {
                since,
                first: false,
            } = phase
            {
                *since = Instant::now();
            }
            false
        });
    }

    /// A request's head is in; its body, unless empty, must follow within `body_timeout`.
    fn request_started(&self, body_timeout: Duration, body_done: bool) {
        self.update(|phase| {
            *phase = Phase::Answering {
                body_by: (!body_done).then(|| Instant::now() + body_timeout),
            };
            true
        });
    }

    /// The body is in (or the application no longer wants it).
    fn body_done(&self) {
        self.update(|phase| {
            if let Phase::Answering { body_by } = phase {
                *body_by = None;
            }
            false
        });
    }

    /// The answer is ready: the connection waits for its next request.
    fn answered(&self) {
        self.update(|phase| {
            *phase = Phase::Waiting {
                since: Instant::now(),
                first: false,
            };
            true
        });
    }

    fn current(&self) -> Phase {
        *self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// When the current phase runs out; far away while an answer is being computed.
    fn deadline(&self, limits: &ConnectionLimits) -> Instant {
        let far = Instant::now() + Duration::from_secs(24 * 3600);
        match self.current() {
            Phase::Waiting { since, first: true } | Phase::Head { since } => {
                since + limits.header_timeout
            }
            Phase::Waiting {
                since,
                first: false,
            } => since + limits.idle_timeout,
            Phase::Answering { body_by } => body_by.unwrap_or(far),
        }
    }

    /// Why the connection must close at `now`, if it must.
    fn expired(&self, limits: &ConnectionLimits, now: Instant) -> Option<&'static str> {
        let reason = match self.current() {
            Phase::Waiting { first: true, .. } => "no request within the header timeout",
            Phase::Head { .. } => "request head not complete within the header timeout",
            Phase::Waiting { first: false, .. } => "idle for the idle timeout",
            Phase::Answering { body_by: Some(_) } => {
                "request body not complete within the body timeout"
            }
            Phase::Answering { body_by: None } => return None,
        };
        (self.deadline(limits) <= now).then_some(reason)
    }
}

/// The TCP stream, reporting its reads and writes to the connection's clock.
struct Watched {
    stream: TcpStream,
    phase: Arc<PhaseClock>,
}

impl AsyncRead for Watched {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let polled = Pin::new(&mut this.stream).poll_read(cx, buf);
        if matches!(polled, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            this.phase.read();
        }
        polled
    }
}

impl AsyncWrite for Watched {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write(cx, buf);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.phase.wrote();
        }
        polled
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        if matches!(polled, Poll::Ready(Ok(n)) if n > 0) {
            this.phase.wrote();
        }
        polled
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}

/// A request body that tells the connection's clock when it is complete, or dropped unread.
struct WatchedBody {
    inner: Incoming,
    phase: Arc<PhaseClock>,
}

impl hyper::body::Body for WatchedBody {
    type Data = Bytes;
    type Error = hyper::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, hyper::Error>>> {
        let this = self.get_mut();
        let polled = Pin::new(&mut this.inner).poll_frame(cx);
        if matches!(polled, Poll::Ready(None) | Poll::Ready(Some(Err(_)))) {
            this.phase.body_done();
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

impl Drop for WatchedBody {
    fn drop(&mut self) {
        self.phase.body_done();
    }
}
