//! A minimal HTTPS/1.1 client with keep-alive, for the webhook's end-to-end tests and the
//! load generator (`examples/webhook_load.rs`): no extra HTTP stack, only tokio-rustls.

use std::net::SocketAddr;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use rustls::pki_types::pem::PemObject;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

/// Connects to one server, trusting one CA.
#[derive(Clone)]
pub struct Client {
    connector: TlsConnector,
    addr: SocketAddr,
    name: ServerName<'static>,
}

impl Client {
    /// `ca_pem`: the CA (PEM) that signed the server's certificate; `name`: the name the
    /// certificate is checked against (`localhost`).
    pub fn new(addr: SocketAddr, ca_pem: &[u8], name: &str) -> Result<Client, String> {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut roots = rustls::RootCertStore::empty();
        for cert in rustls::pki_types::CertificateDer::pem_slice_iter(ca_pem) {
            roots.add(cert.map_err(|e| e.to_string())?).map_err(|e| e.to_string())?;
        }
        let config = rustls::ClientConfig::builder()
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Client {
            connector: TlsConnector::from(Arc::new(config)),
            addr,
            name: ServerName::try_from(name.to_string()).map_err(|e| e.to_string())?,
        })
    }

    /// Opens a kept-alive connection (TCP, then the TLS handshake).
    pub async fn connect(&self) -> Result<Connection, String> {
        let tcp = TcpStream::connect(self.addr).await.map_err(|e| e.to_string())?;
        tcp.set_nodelay(true).map_err(|e| e.to_string())?;
        let stream = self
            .connector
            .connect(self.name.clone(), tcp)
            .await
            .map_err(|e| e.to_string())?;
        Ok(Connection {
            stream,
            buf: Vec::new(),
        })
    }
}

/// The head of a request with a JSON body of `length` bytes.
pub fn head(method: &str, path: &str, length: usize) -> Vec<u8> {
    format!(
        "{method} {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {length}\r\n\r\n"
    )
    .into_bytes()
}

/// One kept-alive connection.
pub struct Connection {
    stream: TlsStream<TcpStream>,
    buf: Vec<u8>,
}

impl Connection {
    /// The server's certificate (DER), to see rotations.
    pub fn peer_certificate(&self) -> Option<Vec<u8>> {
        self.stream
            .get_ref()
            .1
            .peer_certificates()
            .and_then(|c| c.first())
            .map(|c| c.to_vec())
    }

    /// Sends one request and reads one response: (status, body).
    pub async fn request(&mut self, method: &str, path: &str, body: &[u8]) -> Result<(u16, Vec<u8>), String> {
        self.send(&head(method, path, body.len())).await?;
        self.send(body).await?;
        self.response().await
    }

    /// Writes raw bytes: part of a request, to play a slow client.
    pub async fn send(&mut self, bytes: &[u8]) -> Result<(), String> {
        self.stream.write_all(bytes).await.map_err(|e| e.to_string())?;
        self.stream.flush().await.map_err(|e| e.to_string())
    }

    /// Reads one response: (status, body); an error when the server closes the connection
    /// first.
    pub async fn response(&mut self) -> Result<(u16, Vec<u8>), String> {
        loop {
            if let Some(end) = self.buf.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&self.buf[..end]).into_owned();
                let status: u16 = head
                    .split_whitespace()
                    .nth(1)
                    .and_then(|s| s.parse().ok())
                    .ok_or("malformed status line")?;
                let length: usize = head
                    .lines()
                    .find_map(|l| {
                        l.to_ascii_lowercase()
                            .strip_prefix("content-length:")
                            .map(|v| v.trim().parse().unwrap_or(0))
                    })
                    .unwrap_or(0);
                while self.buf.len() < end + 4 + length {
                    self.read_more().await?;
                }
                let body = self.buf[end + 4..end + 4 + length].to_vec();
                self.buf.drain(..end + 4 + length);
                return Ok((status, body));
            }
            self.read_more().await?;
        }
    }

    async fn read_more(&mut self) -> Result<(), String> {
        let mut chunk = [0u8; 16 * 1024];
        let n = self.stream.read(&mut chunk).await.map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("the server closed the connection".into());
        }
        self.buf.extend_from_slice(&chunk[..n]);
        Ok(())
    }
}
