//! The HTTPS server: TLS with certificate reload, the connection limit, the header timeout,
//! signals.

use std::io;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use axum_server::accept::Accept;
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use super::{ServeOptions, Webhook, router};

/// Largest buffer hyper keeps per connection for a request's head (and body chunks): what a
/// client that streams endless headers can make one connection hold.
const MAX_HEAD_BYTES: usize = 64 * 1024;

/// The TLS configuration of a certificate chain and key (PEM files). Only HTTP/1.1 is
/// offered: one request at a time per connection, so the connection limit bounds requests
/// too (HTTP/2 multiplexing, and its rapid-reset class of attacks, are left out, as
/// controller-runtime's webhook server does by default).
fn tls_config(cert: &Path, key: &Path) -> Result<rustls::ServerConfig, String> {
    let chain = CertificateDer::pem_file_iter(cert)
        .and_then(|certs| certs.collect::<Result<Vec<_>, _>>())
        .map_err(|e| format!("certificate {}: {e}", cert.display()))?;
    let key_der = PrivateKeyDer::from_pem_file(key).map_err(|e| format!("key {}: {e}", key.display()))?;
    let mut config = rustls::ServerConfig::builder()
        .with_no_client_auth()
        .with_single_cert(chain, key_der)
        .map_err(|e| format!("certificate {} / key {}: {e}", cert.display(), key.display()))?;
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(config)
}

fn modified(paths: &[&Path]) -> Vec<Option<SystemTime>> {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok())
        .collect()
}

/// Accepts a connection only while fewer than the limit are open; one more is closed at
/// once (before the TLS handshake), so the client fails fast.
#[derive(Clone)]
struct ConnectionLimit {
    slots: Arc<Semaphore>,
    hook: Arc<Webhook>,
}

/// A connection's place under the limit, given back when the connection is dropped.
struct Slot {
    _permit: OwnedSemaphorePermit,
    hook: Arc<Webhook>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.hook.metrics.connections_open.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A stream that holds its connection's [`Slot`].
struct Limited {
    stream: TcpStream,
    _slot: Slot,
}

impl<S> Accept<TcpStream, S> for ConnectionLimit {
    type Stream = Limited;
    type Service = S;
    type Future = std::future::Ready<io::Result<(Limited, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let metrics = &self.hook.metrics;
        let Ok(permit) = Arc::clone(&self.slots).try_acquire_owned() else {
            metrics.connections_refused.fetch_add(1, Ordering::Relaxed);
            return std::future::ready(Err(io::Error::other("connection limit reached")));
        };
        metrics.connections_open.fetch_add(1, Ordering::Relaxed);
        let slot = Slot {
            _permit: permit,
            hook: Arc::clone(&self.hook),
        };
        // Answers are small: send them without waiting for more to write.
        let _ = stream.set_nodelay(true);
        std::future::ready(Ok((Limited { stream, _slot: slot }, service)))
    }
}

impl AsyncRead for Limited {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Limited {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.stream).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }
}

/// Runs the webhook until SIGTERM (or SIGINT): loads the context, then serves HTTPS on
/// `options.listen` within `options.limits`. SIGHUP reloads the context; the certificate
/// is reloaded when its files change.
pub fn serve(hook: Webhook, options: ServeOptions) -> Result<(), String> {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    runtime.block_on(async move {
        let hook = Arc::new(hook);
        let count = hook.reload_context()?;
        eprintln!("kubelint serve: {count} context objects; listening on https://{}", options.listen);
        let tls = RustlsConfig::from_config(Arc::new(tls_config(&options.cert, &options.key)?));
        // Reload the certificate when cert-manager (or anyone) rotates the files.
        {
            let (tls, cert, key, poll) = (tls.clone(), options.cert.clone(), options.key.clone(), options.cert_poll);
            tokio::spawn(async move {
                let mut last = modified(&[&cert, &key]);
                loop {
                    tokio::time::sleep(poll).await;
                    let now = modified(&[&cert, &key]);
                    if now != last {
                        match tls_config(&cert, &key) {
                            Ok(config) => {
                                tls.reload_from_config(Arc::new(config));
                                eprintln!("kubelint serve: certificate reloaded");
                            }
                            Err(e) => eprintln!("kubelint serve: certificate reload failed, keeping the old one: {e}"),
                        }
                        last = now;
                    }
                }
            });
        }
        let handle = axum_server::Handle::new();
        {
            let (handle, hook) = (handle.clone(), Arc::clone(&hook));
            tokio::spawn(async move {
                use tokio::signal::unix::{SignalKind, signal};
                let (Ok(mut term), Ok(mut int), Ok(mut hup)) =
                    (signal(SignalKind::terminate()), signal(SignalKind::interrupt()), signal(SignalKind::hangup()))
                else {
                    return;
                };
                loop {
                    tokio::select! {
                        _ = term.recv() => break,
                        _ = int.recv() => break,
                        _ = hup.recv() => {
                            let hook = Arc::clone(&hook);
                            match tokio::task::spawn_blocking(move || hook.reload_context()).await {
                                Ok(Ok(n)) => eprintln!("kubelint serve: context reloaded ({n} objects)"),
                                Ok(Err(e)) => eprintln!("kubelint serve: context reload failed, keeping the old one: {e}"),
                                Err(e) => eprintln!("kubelint serve: context reload failed: {e}"),
                            }
                        }
                    }
                }
                eprintln!("kubelint serve: shutting down");
                handle.graceful_shutdown(Some(Duration::from_secs(10)));
            });
        }
        let limits = &options.limits;
        let app = router(Arc::clone(&hook), limits);
        let acceptor = RustlsAcceptor::new(tls)
            .handshake_timeout(limits.header_timeout)
            .acceptor(ConnectionLimit {
                slots: Arc::new(Semaphore::new(limits.max_connections)),
                hook,
            });
        let mut server = axum_server::bind(options.listen)
            .acceptor(acceptor)
            .handle(handle)
            .http1_only();
        server
            .http_builder()
            .http1()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .max_buf_size(MAX_HEAD_BYTES);
        server
            .serve(app.into_make_service())
            .await
            .map_err(|e| format!("serving on {}: {e}", options.listen))
    })
}
